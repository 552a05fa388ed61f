"""Every text of the interface, in French (default) and English. One place, one lookup.

Pages read ``AppState.t[key]`` (the table of the current language, sent once); server code
uses :func:`t`. A missing key shows the key itself, and a test checks both languages have
every key.
"""

from __future__ import annotations

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"

TEXTS: dict[str, tuple[str, str]] = {
    # app & navigation
    "app.name": ("MES — Mon espace santé", "MES — My health space"),
    "app.tagline": ("Votre dossier de santé, dans votre poche.", "Your health record, in your pocket."),
    "nav.home": ("Accueil", "Home"),
    "nav.history": ("Histoire", "History"),
    "nav.record": ("Dossier", "Record"),
    "nav.profiles": ("Profils", "Profiles"),
    "nav.more": ("Plus", "More"),
    "nav.logout": ("Se déconnecter", "Log out"),
    "nav.language": ("English", "Français"),
    "nav.switch_profile": ("Changer de profil", "Switch profile"),
    "nav.main": ("Navigation principale", "Main navigation"),
    # sections
    "section.history": ("Mon histoire de santé", "My health history"),
    "section.conditions": ("Maladies et problèmes de santé", "Conditions"),
    "section.treatments": ("Traitements", "Treatments"),
    "section.hospitalisations": ("Hospitalisations et handicaps", "Hospital stays & disabilities"),
    "section.risk_factors": ("Facteurs de risque", "Risk factors"),
    "section.vaccinations": ("Vaccinations", "Vaccinations"),
    "section.measures": ("Mesures de santé", "Health measures"),
    "section.documents": ("Documents", "Documents"),
    "section.messages": ("Messagerie", "Messages"),
    "section.appointments": ("Rendez-vous", "Appointments"),
    "kind.encounters": ("Consultations et soins", "Visits and care"),
    "kind.conditions": ("Maladies", "Conditions"),
    "kind.treatments": ("Traitements", "Treatments"),
    "kind.hospitalisations": ("Hospitalisations", "Hospital stays"),
    "kind.handicaps": ("Handicaps", "Disabilities"),
    "kind.allergies": ("Allergies", "Allergies"),
    "kind.family_history": ("Antécédents familiaux", "Family history"),
    "kind.habits": ("Habitudes de vie", "Lifestyle"),
    "kind.vaccinations": ("Vaccins", "Vaccines"),
    # auth
    "login.title": ("Connexion", "Log in"),
    "login.email": ("Adresse e-mail", "E-mail address"),
    "login.password": ("Mot de passe", "Password"),
    "login.submit": ("Se connecter", "Log in"),
    "login.no_account": ("Pas encore de compte ?", "No account yet?"),
    "login.create": ("Créer un compte", "Create an account"),
    "login.bye": ("Vous êtes déconnecté.", "You are logged out."),
    "login.registered": ("Compte créé. Connectez-vous.", "Account created. Please log in."),
    "login.retry_in": ("Réessayez dans {n} s.", "Try again in {n} s."),
    "register.title": ("Créer un compte", "Create an account"),
    "register.given_name": ("Prénom", "First name"),
    "register.family_name": ("Nom", "Last name"),
    "register.birth_date": ("Date de naissance", "Date of birth"),
    "register.sex": ("Sexe", "Sex"),
    "register.password_hint": (
        "10 caractères au moins, avec minuscules, majuscules, chiffres ou symboles.",
        "At least 10 characters, mixing lower case, upper case, digits or symbols.",
    ),
    "register.submit": ("Créer mon compte", "Create my account"),
    "register.have_account": ("Déjà un compte ?", "Already have an account?"),
    "sex.female": ("Féminin", "Female"),
    "sex.male": ("Masculin", "Male"),
    "sex.other": ("Autre", "Other"),
    "sex.unknown": ("Non précisé", "Not stated"),
    # home
    "home.latest_measures": ("Dernières mesures", "Latest measures"),
    "home.recent_history": ("Derniers événements", "Recent events"),
    "home.no_measures": ("Aucune mesure enregistrée.", "No measures recorded."),
    "home.no_history": ("Aucun événement pour l'instant.", "Nothing yet."),
    "home.no_profile": (
        "Aucun dossier à afficher pour l'instant.",
        "No record to show yet.",
    ),
    "home.see_all": ("Tout voir", "See all"),
    "home.born_on": ("Né(e) le", "Born on"),
    "measure.weight": ("Poids", "Weight"),
    "measure.height": ("Taille", "Height"),
    "measure.blood_pressure": ("Tension", "Blood pressure"),
    "measure.heart_rate": ("Pouls", "Heart rate"),
    "measure.temperature": ("Température", "Temperature"),
    "measure.head_circumference": ("Périmètre crânien", "Head circumference"),
    "measure.spo2": ("Saturation", "SpO2"),
    "measure.glucose": ("Glycémie", "Glucose"),
    "measure.bmi": ("IMC", "BMI"),
    # profiles
    "profiles.title": ("Profils", "Profiles"),
    "profiles.mine": ("Les profils que je gère", "Profiles I manage"),
    "profiles.add_child": ("Ajouter un enfant", "Add a child"),
    "profiles.add_child_submit": ("Créer le profil", "Create the profile"),
    "profiles.child_added": ("Profil créé.", "Profile created."),
    "profiles.guardians": ("Responsables du profil", "Guardians of this profile"),
    "profiles.add_guardian": ("Ajouter un second responsable", "Add another guardian"),
    "profiles.guardian_email": ("E-mail de son compte MES", "E-mail of their MES account"),
    "profiles.guardian_added": ("Responsable ajouté.", "Guardian added."),
    "profiles.add": ("Ajouter", "Add"),
    "profiles.active": ("Profil affiché", "Profile shown"),
    "profiles.open": ("Afficher", "Show"),
    "relationship.owner": ("Moi", "Me"),
    "relationship.guardian": ("Enfant / proche géré", "Managed profile"),
    "relationship.care_team": ("Patient", "Patient"),
    "relationship.caregiver": ("Partagé avec moi", "Shared with me"),
    "profiles.you": ("vous", "you"),
    # record lists & forms
    "record.title": ("Mon dossier", "My record"),
    "record.add": ("Ajouter", "Add"),
    "record.edit": ("Modifier", "Edit"),
    "record.delete": ("Supprimer", "Delete"),
    "record.save": ("Enregistrer", "Save"),
    "record.cancel": ("Annuler", "Cancel"),
    "record.empty": ("Rien d'enregistré ici pour l'instant.", "Nothing recorded here yet."),
    "record.uncoded": ("non codé", "uncoded"),
    "record.by_professional": ("Ajouté par", "Added by"),
    "record.read_only": ("Lecture seule", "Read-only"),
    "record.saved": ("Enregistré.", "Saved."),
    "record.deleted": ("Supprimé.", "Deleted."),
    "record.confirm_delete_title": ("Supprimer cette entrée ?", "Delete this entry?"),
    "record.confirm_delete_text": (
        "Elle disparaîtra du dossier. Cette action est définitive.",
        "It will disappear from the record. This cannot be undone.",
    ),
    "record.search_hint": (
        "Tapez pour chercher dans la liste codée, ou gardez votre texte libre.",
        "Type to search the coded list, or keep your own words.",
    ),
    "record.picked": ("Code choisi", "Code picked"),
    "record.free_text": ("Texte libre (non codé)", "Free text (uncoded)"),
    "record.hidden_from_professionals": ("Masqué aux professionnels", "Hidden from professionals"),
    "record.new_entry": ("Nouvelle entrée", "New entry"),
    "record.edit_entry": ("Modifier l'entrée", "Edit entry"),
    "history.filter": ("Filtrer", "Filter"),
    "history.more": ("Voir plus", "Show more"),
    "history.empty": ("Aucun événement.", "No events."),
    "filter.all": ("Tout", "All"),
    "filter.gp_visit": ("Médecin traitant", "GP visit"),
    "filter.specialist": ("Spécialiste", "Specialist"),
    "filter.pharmacy": ("Pharmacie", "Pharmacy"),
    "filter.lab": ("Laboratoire", "Lab"),
    "filter.emergency": ("Urgences", "Emergency"),
    "filter.other": ("Autre", "Other"),
    "filter.vaccination": ("Vaccination", "Vaccination"),
    "filter.hospital": ("Hospitalisation", "Hospital stay"),
    "filter.document": ("Document", "Document"),
    "filter.appointment": ("Rendez-vous", "Appointment"),
    "author.patient": ("Vous", "You"),
    "author.guardian": ("Un responsable", "A guardian"),
    "author.professional": ("Professionnel", "Professional"),
    "author.device": ("Appareil", "Device"),
    "author.system": ("MES", "MES"),
    # fields
    "field.kind": ("Type", "Type"),
    "field.title": ("Intitulé", "Title"),
    "field.occurred_on": ("Date", "Date"),
    "field.practitioner": ("Professionnel", "Practitioner"),
    "field.place": ("Lieu", "Place"),
    "field.note": ("Note", "Note"),
    "field.code_text": ("Nom", "Name"),
    "field.status": ("Statut", "Status"),
    "field.onset_date": ("Depuis le", "Since"),
    "field.abatement_date": ("Jusqu'au", "Until"),
    "field.dosage": ("Posologie", "Dosage"),
    "field.start_date": ("Début", "Start"),
    "field.end_date": ("Fin", "End"),
    "field.facility": ("Établissement", "Facility"),
    "field.admitted_on": ("Entrée le", "Admitted on"),
    "field.discharged_on": ("Sortie le", "Discharged on"),
    "field.since_date": ("Depuis le", "Since"),
    "field.reaction": ("Réaction", "Reaction"),
    "field.severity": ("Gravité", "Severity"),
    "field.relationship": ("Lien de parenté", "Relationship"),
    "field.onset_age": ("Âge de début", "Age at onset"),
    "field.given_on": ("Date d'injection", "Given on"),
    "field.dose_number": ("Numéro de dose", "Dose number"),
    "field.lot_number": ("Numéro de lot", "Lot number"),
    "field.performer": ("Vacciné par", "Given by"),
    "choice.gp_visit": ("Médecin traitant", "GP visit"),
    "choice.specialist": ("Spécialiste", "Specialist"),
    "choice.pharmacy": ("Pharmacie", "Pharmacy"),
    "choice.lab": ("Laboratoire", "Lab"),
    "choice.emergency": ("Urgences", "Emergency"),
    "choice.other": ("Autre", "Other"),
    "choice.active": ("En cours", "Active"),
    "choice.resolved": ("Guéri / résolu", "Resolved"),
    "choice.inactive": ("Inactif", "Inactive"),
    "choice.mild": ("Légère", "Mild"),
    "choice.moderate": ("Modérée", "Moderate"),
    "choice.severe": ("Sévère", "Severe"),
    "choice.unknown": ("Inconnue", "Unknown"),
    "choice.mother": ("Mère", "Mother"),
    "choice.father": ("Père", "Father"),
    "choice.sibling": ("Frère / sœur", "Sibling"),
    "choice.grandparent": ("Grand-parent", "Grandparent"),
    "choice.child": ("Enfant", "Child"),
    "choice.tobacco": ("Tabac", "Tobacco"),
    "choice.alcohol": ("Alcool", "Alcohol"),
    "choice.physical_activity": ("Activité physique", "Physical activity"),
    "choice.diet": ("Alimentation", "Diet"),
    # errors (message keys raised by the domain and the services)
    "error.generic": ("Une erreur est survenue. Réessayez.", "Something went wrong. Please try again."),
    "error.not_found": ("Introuvable.", "Not found."),
    "error.forbidden": ("Vous ne pouvez pas faire cela.", "You cannot do that."),
    "error.session_expired": ("Votre session a expiré. Reconnectez-vous.", "Your session has expired. Please log in again."),
    "error.bad_credentials": ("E-mail ou mot de passe incorrect.", "Wrong e-mail or password."),
    "error.too_many_attempts": ("Trop de tentatives.", "Too many attempts."),
    "error.account_locked": (
        "Trop d'échecs : compte bloqué pendant quelques minutes.",
        "Too many failures: the account is locked for a few minutes.",
    ),
    "error.email_taken": ("Un compte existe déjà avec cet e-mail.", "An account already uses this e-mail."),
    "error.weak_password": (
        "Mot de passe trop faible : 10 caractères au moins, en mélangeant minuscules, majuscules, chiffres ou symboles.",
        "Password too weak: at least 10 characters, mixing lower case, upper case, digits or symbols.",
    ),
    "error.invalid_email": ("Adresse e-mail invalide.", "Invalid e-mail address."),
    "error.required": ("Un champ obligatoire est vide.", "A required field is empty."),
    "error.text_too_long": ("Texte trop long ({max} caractères au plus).", "Text too long (at most {max} characters)."),
    "error.date_in_future": ("La date ne peut pas être dans le futur.", "The date cannot be in the future."),
    "error.before_birth": ("La date ne peut pas précéder la naissance.", "The date cannot be before birth."),
    "error.end_before_start": ("La fin ne peut pas précéder le début.", "The end cannot be before the start."),
    "error.invalid_date": ("Date invalide.", "Invalid date."),
    "error.invalid_datetime": ("Date et heure invalides.", "Invalid date and time."),
    "error.invalid_choice": ("Choix invalide.", "Invalid choice."),
    "error.invalid_id": ("Introuvable.", "Not found."),
    "error.invalid_number": ("Nombre invalide.", "Invalid number."),
    "error.out_of_range": ("Valeur hors limites.", "Value out of range."),
    "error.unknown_code": ("Code inconnu : choisissez dans la liste ou gardez un texte libre.", "Unknown code: pick from the list or keep free text."),
    "error.invalid_form": ("Formulaire invalide.", "Invalid form."),
    "error.account_not_found": ("Aucun compte MES avec cet e-mail.", "No MES account with this e-mail."),
    "error.already_guardian": ("Cette personne gère déjà ce profil.", "This person already manages this profile."),
    "error.guardian_own_profile": (
        "Un profil personnel n'a pas d'autre responsable.",
        "A personal profile has no other guardian.",
    ),
    "error.invalid_text": ("Texte invalide.", "Invalid text."),
    # --- measures (issue 3): keys "measures.*" go below this line ---
    # --- documents (issue 4): keys "documents.*" go below this line ---
    # --- appointments, prevention, emergency card (issue 6): keys go below this line ---
}


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def table(lang: str) -> dict[str, str]:
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in TEXTS.items()}


def format_date(iso: str, lang: str = DEFAULT_LANG) -> str:
    """"2026-11-28" → "28/11/2026" in French, "28 Nov 2026" in English; "" stays ""."""
    if not iso or len(iso) < 10:
        return iso or ""
    year, month, day = iso[:4], iso[5:7], iso[8:10]
    if lang == "en":
        months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
        try:
            return f"{int(day)} {months[int(month) - 1]} {year}"
        except (ValueError, IndexError):
            return iso
    return f"{day}/{month}/{year}"
