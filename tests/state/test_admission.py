"""A worker runs a few events at once; the others wait their turn before taking their state
(mes_app/state/admission.py, issue 14 item 1: no lock held over 1 s by a saturated worker)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from reflex_base.event.processor.event_processor import EventProcessor

from mes_app.state import admission
from mes_app.state import binding as binding_module


class _Processor:
    """Stands for Reflex's event processor: its ``_execute_event`` takes the client's state,
    works (a few loop turns, like a handler waiting for the database), and gives it back."""

    def __init__(self) -> None:
        self.holding: set[str] = set()
        self.most_held_at_once = 0
        self.started: list[str] = []

    async def _execute_event(self, *, entry: SimpleNamespace, registered_handler: SimpleNamespace) -> None:
        self.started.append(entry.name)
        self.holding.add(entry.name)
        self.most_held_at_once = max(self.most_held_at_once, len(self.holding))
        for _ in range(5):
            await asyncio.sleep(0)
        self.holding.discard(entry.name)


def _event(name: str, *, background: bool = False) -> tuple[SimpleNamespace, SimpleNamespace]:
    handler = SimpleNamespace(handler=SimpleNamespace(is_background=background))
    return SimpleNamespace(name=name, ctx=SimpleNamespace(token=name)), handler


def _gated_app(seats: int) -> tuple[SimpleNamespace, _Processor]:
    processor = _Processor()
    app = SimpleNamespace(_event_processor=processor)
    admission.admit_in_turn(app, seats)  # pyright: ignore[reportArgumentType]
    return app, processor


async def _run_through_reflex(processor: _Processor, events: list[tuple[SimpleNamespace, SimpleNamespace]]) -> None:
    """Each event as Reflex runs it: one task each, through its own ``_process_event_queue_entry``."""
    await asyncio.gather(*(
        EventProcessor._process_event_queue_entry(processor, entry=entry, registered_handler=handler)  # pyright: ignore[reportArgumentType]
        for entry, handler in events))


def test_a_crowd_of_events_holds_only_as_many_states_as_the_worker_has_seats() -> None:
    _app, processor = _gated_app(seats=3)
    asyncio.run(_run_through_reflex(processor, [_event(f"client-{n}") for n in range(20)]))
    assert processor.most_held_at_once == 3
    assert len(processor.started) == 20  # every event ran


def test_events_take_their_turn_in_the_order_they_arrived() -> None:
    _app, processor = _gated_app(seats=2)
    names = [f"client-{n}" for n in range(10)]
    asyncio.run(_run_through_reflex(processor, [_event(name) for name in names]))
    assert processor.started == names


def test_without_the_gate_every_event_holds_its_state_at_once() -> None:
    """What the gate is for: Reflex alone starts all of them together."""
    processor = _Processor()
    asyncio.run(_run_through_reflex(processor, [_event(f"client-{n}") for n in range(20)]))
    assert processor.most_held_at_once == 20


def test_background_events_do_not_take_a_seat() -> None:
    """A long job's poll gives its state back at once; it must not keep a foreground event out."""
    _app, processor = _gated_app(seats=1)
    events = [_event("poll-a", background=True), _event("poll-b", background=True), _event("click")]
    asyncio.run(_run_through_reflex(processor, events))
    assert processor.most_held_at_once == 3


def test_an_event_cancelled_while_waiting_gives_no_seat_away() -> None:
    """A client that leaves while its event waits (the task is cancelled) leaves the seats as they were."""
    app, processor = _gated_app(seats=1)

    async def scenario() -> int:
        first = asyncio.create_task(_run_through_reflex(processor, [_event("first")]))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(_run_through_reflex(processor, [_event("gone")]))
        for _ in range(2):  # the event's task has started and waits at the gate
            await asyncio.sleep(0)
        waiting.cancel()
        await first
        await _run_through_reflex(processor, [_event("next")])
        gate = admission.gate_of(app)  # pyright: ignore[reportArgumentType]
        assert gate is not None
        return gate._value

    assert asyncio.run(scenario()) == 1
    assert processor.started == ["first", "next"]


def test_the_gate_is_put_once_per_processor() -> None:
    app, processor = _gated_app(seats=2)
    gated = processor._execute_event
    admission.admit_in_turn(app, 2)  # pyright: ignore[reportArgumentType]
    assert processor._execute_event is gated


def test_no_seats_means_no_gate() -> None:
    processor = _Processor()
    admission.admit_in_turn(SimpleNamespace(_event_processor=processor), 0)  # pyright: ignore[reportArgumentType]
    assert admission.gate_of(SimpleNamespace(_event_processor=processor)) is None  # pyright: ignore[reportArgumentType]


def test_a_server_not_started_yet_is_left_alone() -> None:
    admission.admit_in_turn(SimpleNamespace(_event_processor=None), 4)  # pyright: ignore[reportArgumentType]


def test_the_binding_middleware_puts_the_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every event goes through the binding middleware, which installs the gate on its worker."""
    seen: list[object] = []
    monkeypatch.setattr(binding_module, "admit_in_turn", seen.append)

    class _Stop(Exception):
        pass

    class _State:
        async def get_state(self, _cls: type) -> None:
            raise _Stop

    app = SimpleNamespace(event_namespace=None)
    with pytest.raises(_Stop):
        asyncio.run(binding_module.SessionBindingMiddleware().preprocess(app, _State(), None))  # pyright: ignore[reportArgumentType]
    assert seen == [app]
