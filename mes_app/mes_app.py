import reflex as rx


def index() -> rx.Component:
    return rx.text("MES")


app = rx.App()
app.add_page(index, route="/")
