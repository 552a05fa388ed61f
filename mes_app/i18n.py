"""Every text of the interface, in French (default) and English. One place, one lookup.

Pages read ``T[key]`` (:mod:`mes_app.components.texts`): the texts of both languages are a
static JavaScript module built from this table (:func:`js_module`), bundled with the pages and
cached by the browser, so they are neither in any client's state nor in any delta. Server code
uses :func:`t`. A missing key shows the key itself, and a test checks both languages have
every key.
"""

from __future__ import annotations

from mes_app import formatting

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
    # the browser tab's title of each page ("MES · <title>")
    "title.login": ("Connexion", "Log in"),
    "title.register": ("Créer un compte", "Create an account"),
    "title.forgot": ("Mot de passe oublié", "Forgotten password"),
    "title.reset": ("Nouveau mot de passe", "New password"),
    "title.history": ("Histoire de santé", "Health history"),
    "title.record": ("Dossier", "Record"),
    "title.profiles": ("Profils", "Profiles"),
    "title.measures": ("Mesures de santé", "Health measures"),
    "title.documents": ("Documents", "Documents"),
    "title.access_history": ("Historique des accès", "Access history"),
    "title.appointments": ("Rendez-vous", "Appointments"),
    "title.prevention": ("Prévention", "Prevention"),
    "title.care_team": ("Équipe de soins", "Care team"),
    "title.caregivers": ("Aidants", "Caregivers"),
    "title.who_can_see": ("Qui peut voir mon dossier", "Who can see my record"),
    "title.patients": ("Mes patients", "My patients"),
    "title.summary": ("Synthèse", "Summary"),
    "title.share": ("Partager", "Share"),
    "title.shared_summary": ("Synthèse partagée", "Shared summary"),
    "title.emergency": ("Carte d'urgence", "Emergency card"),
    "title.messages": ("Messagerie", "Messages"),
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
    "login.registered": (
        "Consultez votre boîte mail : un message vous y attend pour continuer.",
        "Check your mailbox: a message is waiting there for you to go on.",
    ),
    "login.activated": ("Compte activé. Connectez-vous.", "Account activated. Please log in."),
    "login.activation_invalid": (
        "Ce lien ne fonctionne pas ou a expiré.",
        "This link is invalid or has expired.",
    ),
    "login.retry_in": ("Réessayez dans {n} s.", "Try again in {n} s."),
    "login.forgot": ("Mot de passe oublié ?", "Forgot your password?"),
    "login.reset_done": (
        "Mot de passe changé. Toutes vos sessions sont fermées : connectez-vous avec le nouveau mot de passe.",
        "Password changed. All your sessions are closed: log in with the new password.",
    ),
    # forgotten password (issue 11)
    "forgot.title": ("Mot de passe oublié", "Forgotten password"),
    "forgot.intro": (
        "Indiquez l'adresse e-mail de votre compte : nous y envoyons un lien pour choisir un nouveau mot de passe.",
        "Enter your account's e-mail address: we send it a link to choose a new password.",
    ),
    "forgot.submit": ("Recevoir le lien", "Send me the link"),
    "forgot.sent": (
        "Si un compte MES utilise cette adresse, un e-mail vient d'y partir. Le lien sert une fois, "
        "pendant 30 minutes.",
        "If an MES account uses this address, an e-mail is on its way. The link works once, for 30 minutes.",
    ),
    "forgot.back": ("Retour à la connexion", "Back to log in"),
    "reset.title": ("Nouveau mot de passe", "New password"),
    "reset.password": ("Nouveau mot de passe", "New password"),
    "reset.confirm": ("Confirmez le mot de passe", "Confirm the password"),
    "reset.submit": ("Changer le mot de passe", "Change the password"),
    "reset.sessions_note": (
        "Toutes les sessions ouvertes sur ce compte seront fermées.",
        "Every session open on this account will be closed.",
    ),
    "reset.invalid": (
        "Ce lien ne marche plus : il a déjà servi, un lien plus récent l'a remplacé, ou ses 30 minutes sont passées.",
        "This link no longer works: it was already used, a newer link replaced it, or its 30 minutes are over.",
    ),
    "reset.ask_again": ("Demander un nouveau lien", "Ask for a new link"),
    "activation.mail_subject": ("MES : activez votre compte", "MES: activate your account"),
    # the page the mailed link opens: activation takes this button (mail scanners open links too)
    "title.activate": ("Activer le compte", "Activate the account"),
    "activate.title": ("Activer votre compte", "Activate your account"),
    "activate.lead": (
        "Vous avez créé un compte MES avec cette adresse. Confirmez pour l'activer.",
        "You created an MES account with this address. Confirm to activate it.",
    ),
    "activate.submit": ("Activer mon compte", "Activate my account"),
    "activate.not_me": (
        "Ce n'est pas vous ? Fermez simplement cette page : le compte ne sera pas activé.",
        "Not you? Just close this page: the account will not be activated.",
    ),
    "activation.mail_body": (
        "Bonjour,\n\n"
        "Un compte MES vient d'être créé avec cette adresse.\n"
        "Pour l'activer, ouvrez ce lien dans les {hours} heures :\n\n"
        "{link}\n\n"
        "Le lien ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message :"
        " le compte ne sera pas activé.\n\n"
        "MES — Mon espace santé\n",
        "Hello,\n\n"
        "An MES account has just been created with this address.\n"
        "To activate it, open this link within {hours} hours:\n\n"
        "{link}\n\n"
        "The link works once. If you did not ask for anything, ignore this message:"
        " the account will not be activated.\n\n"
        "MES — Mon espace santé\n",
    ),
    "activation.taken_mail_subject": ("MES : tentative de création de compte", "MES: attempt to create an account"),
    "activation.taken_mail_body": (
        "Bonjour,\n\n"
        "Quelqu'un a essayé de créer un compte MES avec votre adresse, qui a déjà un compte.\n"
        "Si c'était vous, connectez-vous :\n{login}\n\n"
        "ou, si vous avez oublié votre mot de passe, choisissez-en un nouveau :\n{forgot}\n\n"
        "Si ce n'était pas vous, ignorez ce message : rien n'a changé.\n\n"
        "MES — Mon espace santé\n",
        "Hello,\n\n"
        "Someone tried to create an MES account with your address, which already has an account.\n"
        "If it was you, log in:\n{login}\n\n"
        "or, if you forgot your password, choose a new one:\n{forgot}\n\n"
        "If it was not you, ignore this message: nothing has changed.\n\n"
        "MES — Mon espace santé\n",
    ),
    "reset.mail_subject": ("MES : choisir un nouveau mot de passe", "MES: choose a new password"),
    "reset.mail_body": (
        "Bonjour,\n\n"
        "Quelqu'un (vous, sans doute) a demandé à changer le mot de passe de votre compte MES.\n"
        "Pour en choisir un nouveau, ouvrez ce lien dans les {minutes} minutes :\n\n"
        "{link}\n\n"
        "Le lien ne sert qu'une fois. Changer le mot de passe ferme toutes les sessions ouvertes.\n"
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste le même.\n\n"
        "MES — Mon espace santé\n",
        "Hello,\n\n"
        "Someone (you, most likely) asked to change the password of your MES account.\n"
        "To choose a new one, open this link within {minutes} minutes:\n\n"
        "{link}\n\n"
        "The link works once. Changing the password closes every open session.\n"
        "If you did not ask for anything, ignore this message: your password stays the same.\n\n"
        "MES — My health space\n",
    ),
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
    "home.measures_not_shared": ("Les mesures ne sont pas partagées avec vous.", "Measures are not shared with you."),
    "home.history_not_shared": (
        "L'histoire de santé n'est pas partagée avec vous.", "The health history is not shared with you."
    ),
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
    "profiles.add": ("Ajouter", "Add"),
    "profiles.active": ("Profil affiché", "Profile shown"),
    "profiles.open": ("Afficher", "Show"),
    "relationship.owner": ("Moi", "Me"),
    "relationship.guardian": ("Enfant / proche géré", "Managed profile"),
    "relationship.care_team": ("Patient", "Patient"),
    "relationship.caregiver": ("Partagé avec moi", "Shared with me"),
    "profiles.you": ("vous", "you"),
    # invitations to manage a profile (security issue 9)
    "invite.title": ("Inviter un second responsable", "Invite another guardian"),
    "invite.intro": (
        "La personne devra accepter l'invitation depuis son compte MES. Elle ne voit rien du dossier avant.",
        "They must accept the invitation from their MES account. They see nothing of the record before.",
    ),
    "invite.email": ("E-mail de son compte MES", "E-mail of their MES account"),
    "invite.role": ("Ce que vous proposez", "What you offer"),
    "invite.role.co_guardian": ("Gérer ce profil avec moi", "Manage this profile with me"),
    "invite.role.handover": ("Lui confier ce profil (je ne le gérerai plus)",
                             "Hand this profile over (I will no longer manage it)"),
    "invite.submit": ("Envoyer l'invitation", "Send the invitation"),
    "invite.sent": (
        "Invitation enregistrée. Si cette adresse a un compte MES, la personne verra l'invitation en se connectant.",
        "Invitation saved. If this address has an MES account, they will see the invitation when they log in.",
    ),
    "invite.pending_title": ("Invitations en attente", "Pending invitations"),
    "invite.pending_line": ("{role} · envoyée par {who} · jusqu'au {until}", "{role} · sent by {who} · until {until}"),
    "invite.short.co_guardian": ("Second responsable", "Co-guardian"),
    "invite.short.handover": ("Profil confié", "Profile handed over"),
    "invite.cancel": ("Annuler l'invitation", "Cancel the invitation"),
    "invite.received_title": ("Invitations pour vous", "Invitations for you"),
    "invite.received.co_guardian": (
        "{who} vous invite à gérer le profil de {child} à ses côtés.",
        "{who} invites you to manage {child}'s profile alongside them.",
    ),
    "invite.received.handover": (
        "{who} vous propose de reprendre le profil de {child} : {who} ne le gérera plus.",
        "{who} offers to hand {child}'s profile over to you: {who} will no longer manage it.",
    ),
    "invite.received.caregiver": (
        "{who} vous invite à voir une partie du dossier de santé de {child}, en lecture seule.",
        "{who} invites you to see part of {child}'s health record, read-only.",
    ),
    "invite.until": ("Valable jusqu'au {until}.", "Valid until {until}."),
    "invite.accept": ("Accepter", "Accept"),
    "invite.decline": ("Refuser", "Decline"),
    "invite.home_notice": ("Une invitation attend votre réponse.", "An invitation is waiting for your answer."),
    "invite.home_see": ("Voir l'invitation", "See the invitation"),
    "invite.confirm_accept_title": ("Accepter l'invitation ?", "Accept the invitation?"),
    "invite.confirm_accept_text": (
        "Vous pourrez voir et modifier tout le dossier de santé de {child}, comme {who}.",
        "You will be able to see and change {child}'s whole health record, as {who} does.",
    ),
    "invite.confirm_accept_handover_text": (
        "Vous pourrez voir et modifier tout le dossier de santé de {child} ; {who} ne le gérera plus.",
        "You will be able to see and change {child}'s whole health record; {who} will no longer manage it.",
    ),
    "invite.confirm_accept_caregiver_text": (
        "Vous pourrez voir, en lecture seule, ce que {who} partage du dossier de santé de {child}. "
        "Cet accès peut vous être retiré à tout moment.",
        "You will be able to see, read-only, what {who} shares of {child}'s health record. "
        "This access may be withdrawn at any time.",
    ),
    "invite.confirm_decline_title": ("Refuser l'invitation ?", "Decline the invitation?"),
    "invite.confirm_decline_text": (
        "Vous n'aurez pas accès au profil de {child}. {who} pourra vous inviter à nouveau.",
        "You will not get access to {child}'s profile. {who} may invite you again.",
    ),
    "invite.confirm_cancel_title": ("Annuler l'invitation ?", "Cancel the invitation?"),
    "invite.confirm_cancel_text": (
        "{email} ne pourra plus l'accepter.",
        "{email} will no longer be able to accept it.",
    ),
    "invite.keep": ("Retour", "Back"),
    "invite.accepted": ("Invitation acceptée : le profil est ajouté.", "Invitation accepted: the profile is added."),
    "invite.declined": ("Invitation refusée.", "Invitation declined."),
    "invite.cancelled": ("Invitation annulée.", "Invitation cancelled."),
    # record lists & forms
    "record.title": ("Mon dossier", "My record"),
    "record.title_of": ("Dossier de {name}", "{name}'s record"),
    "record.not_shared": ("Non partagé avec vous.", "Not shared with you."),
    "record.not_shared_badge": ("Non partagé", "Not shared"),
    "record.export_fhir": ("Télécharger le dossier (FHIR)", "Download the record (FHIR)"),
    "record.export_fhir_partial": (
        "Le fichier ne contient que les rubriques partagées avec vous.",
        "The file holds only the sections shared with you.",
    ),
    "record.manage_only": (
        "Cette page est réservée au patient et à ses responsables.",
        "This page is for the patient and their guardians only.",
    ),
    "record.shared_with_you": ("Partagé avec vous", "Shared with you"),
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
    "record.fact_label": ("{label} :", "{label}:"),
    "history.filter": ("Filtrer", "Filter"),
    "history.more": ("Voir plus", "Show more"),
    "history.empty": ("Aucun événement.", "No events."),
    "history.add_event": ("Ajouter un événement", "Add an event"),
    "history.new_event": ("Nouvel événement", "New event"),
    "history.event_added": ("Événement ajouté.", "Event added."),
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
    "field.created_at": ("Ajouté le", "Added on"),
    "unit.years": ("{count} an|{count} ans", "{count} year|{count} years"),
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
    "error.service_unavailable": (
        "Le service est momentanément indisponible. Réessayez dans un instant.",
        "The service is temporarily unavailable. Please try again in a moment.",
    ),
    "error.not_found": ("Introuvable.", "Not found."),
    "error.forbidden": ("Vous ne pouvez pas faire cela.", "You cannot do that."),
    "error.request_too_large": ("Demande trop volumineuse : rien n'a été enregistré.",
                                "Request too large: nothing was saved."),
    "error.cross_site": ("Demande refusée : elle ne vient pas d'une page de MES. Rechargez la page et réessayez.",
                         "Request refused: it did not come from an MES page. Reload the page and try again."),
    "error.session_expired": (
        "Votre session a expiré. Reconnectez-vous.",
        "Your session has expired. Please log in again.",
    ),
    "error.bad_credentials": ("E-mail ou mot de passe incorrect.", "Wrong e-mail or password."),
    "error.too_many_attempts": ("Trop de tentatives.", "Too many attempts."),
    "error.account_locked": (
        "Trop d'échecs : connexion à ce compte suspendue depuis cet appareil pendant quelques minutes.",
        "Too many failures: logging in to this account from this device is paused for a few minutes.",
    ),
    "error.rate_limited": (
        "Trop de demandes depuis cette connexion. Réessayez dans {n} s.",
        "Too many requests from this connection. Try again in {n} s.",
    ),
    "error.rate_limited_later": (
        "Trop de demandes depuis cette connexion. Réessayez dans quelques minutes.",
        "Too many requests from this connection. Try again in a few minutes.",
    ),
    "error.email_taken": ("Un compte existe déjà avec cet e-mail.", "An account already uses this e-mail."),
    "error.weak_password": (
        "Mot de passe trop faible : 10 caractères au moins, en mélangeant minuscules, majuscules, "
        "chiffres ou symboles.",
        "Password too weak: at least 10 characters, mixing lower case, upper case, digits or symbols.",
    ),
    "error.invalid_email": ("Adresse e-mail invalide.", "Invalid e-mail address."),
    "error.reset_link_invalid": (
        "Ce lien ne marche plus. Demandez-en un nouveau.",
        "This link no longer works. Ask for a new one.",
    ),
    "error.passwords_differ": ("Les deux mots de passe diffèrent.", "The two passwords differ."),
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
    "error.unknown_code": (
        "Code inconnu : choisissez dans la liste ou gardez un texte libre.",
        "Unknown code: pick from the list or keep free text.",
    ),
    "error.invalid_form": ("Formulaire invalide.", "Invalid form."),
    "error.already_guardian": ("Cette personne gère déjà ce profil.", "This person already manages this profile."),
    "error.already_invited": ("Une invitation attend déjà la réponse de cette adresse.",
                              "An invitation to this address is already waiting for an answer."),
    "error.too_many_invitations": ("Trop d'invitations en attente ({max} au plus) : annulez-en une.",
                                   "Too many pending invitations ({max} at most): cancel one."),
    "error.guardian_own_profile": (
        "Un profil personnel n'a pas d'autre responsable.",
        "A personal profile has no other guardian.",
    ),
    "error.invalid_text": ("Texte invalide.", "Invalid text."),
    # --- measures (issue 3): keys "measures.*" go below this line ---
    "measure.waist_circumference": ("Tour de taille", "Waist circumference"),
    "measures.add": ("Ajouter une mesure", "Add a measure"),
    "measures.new": ("Nouvelle mesure", "New measure"),
    "measures.edit_title": ("Modifier la mesure", "Edit the measure"),
    "measures.kind": ("Mesure", "Measure"),
    "measures.value": ("Valeur", "Value"),
    "measures.systolic": ("Systolique", "Systolic"),
    "measures.diastolic": ("Diastolique", "Diastolic"),
    "measures.heart_rate_optional": ("Pouls (facultatif)", "Heart rate (optional)"),
    "measures.unit": ("Unité", "Unit"),
    "measures.measured_at": ("Date et heure", "Date and time"),
    "measures.bmi_derived": (
        "L'IMC est calculé à partir du dernier poids et de la dernière taille : il ne se saisit pas.",
        "BMI is computed from the latest weight and height: it is never typed.",
    ),
    "measures.range": ("Période", "Period"),
    "measures.range.1m": ("1 mois", "1 month"),
    "measures.range.3m": ("3 mois", "3 months"),
    "measures.range.1y": ("1 an", "1 year"),
    "measures.range.all": ("Tout", "All"),
    "measures.chart_of": ("Courbe", "Chart"),
    "measures.latest": ("Dernières valeurs", "Latest values"),
    "measures.since_previous": ("depuis la précédente", "since the previous one"),
    "measures.empty": ("Aucune mesure enregistrée pour ce profil.", "No measures recorded for this profile."),
    "measures.no_data_range": ("Aucune valeur sur cette période.", "No values in this period."),
    "measures.entries": ("Valeurs saisies", "Entries"),
    "measures.more": ("Voir plus", "Show more"),
    "measures.saved": ("Mesure enregistrée.", "Measure saved."),
    "measures.deleted": ("Mesure supprimée.", "Measure deleted."),
    "measures.confirm_delete_title": ("Supprimer cette mesure ?", "Delete this measure?"),
    "measures.confirm_delete_text": (
        "Elle disparaîtra des courbes. Cette action est définitive.",
        "It will disappear from the charts. This cannot be undone.",
    ),
    "measures.source.manual": ("Saisie", "Typed"),
    "measures.source.device": ("Appareil", "Device"),
    "measures.source.professional": ("Professionnel", "Professional"),
    "measures.source.import": ("Import", "Import"),
    "measures.points_shown": ("points affichés sur", "points shown out of"),
    "measures.note_bmi": (
        "Zones : classes d'IMC de l'OMS (adulte).",
        "Bands: WHO adult BMI classes.",
    ),
    "measures.note_bp": (
        "Zones : classes de l'ESC/ESH (mesure au cabinet) selon la systolique ; pointillés : diastolique 90. "
        "À domicile, l'hypertension commence à 135/85.",
        "Bands: ESC/ESH classes (office reading) by systolic; dashed line: diastolic 90. "
        "At home, hypertension starts at 135/85.",
    ),
    "measures.note_growth": (
        "Courbes : standards de croissance de l'OMS (2006), percentiles 3, 15, 50, 85 et 97.",
        "Curves: WHO child growth standards (2006), percentiles 3, 15, 50, 85 and 97.",
    ),
    "measures.note_growth_until_5y": (
        "Courbes OMS (2006) tracées jusqu'à 5 ans seulement.",
        "WHO (2006) curves are drawn up to 5 years only.",
    ),
    "measures.note_beyond_5y": (
        "Après 5 ans, les courbes de référence ne sont pas affichées (les références OMS 2007 ne sont pas intégrées) : "
        "parlez-en à votre médecin.",
        "After 5 years, reference curves are not shown (the WHO 2007 references are not included): ask your doctor.",
    ),
    "measures.note_no_sex": (
        "Les courbes de l'OMS dépendent du sexe, non renseigné sur ce profil.",
        "WHO curves depend on sex, which this profile does not state.",
    ),
    "measures.note_child_bp": (
        "Chez l'enfant, la tension s'interprète avec des tables par âge et taille : pas de zones adultes.",
        "In children, blood pressure is read against age and height tables: no adult bands.",
    ),
    "measures.import_title": ("Importer un fichier CSV", "Import a CSV file"),
    "measures.import_open": ("Importer", "Import"),
    "measures.import_help": (
        "Un fichier CSV (export de tableur) : une première ligne qui nomme les colonnes, puis une mesure par "
        "ligne, séparées par «\u00a0;\u00a0» ou «\u00a0,\u00a0». Par exemple\u00a0:",
        "A CSV file (spreadsheet export): a first line naming the columns, then one measure per line, "
        "separated by \",\" or \";\". For example:",
    ),
    "measures.import_example": (
        "date;type;valeur;unité;valeur2\n"
        "28/11/2026 08:30;poids;72,5;kg;\n"
        "28/11/2026 08:35;tension;128;mmHg;82",
        "date,type,value,unit,value2\n"
        "2026-11-28 08:30,weight,72.5,kg,\n"
        "2026-11-28 08:35,blood_pressure,128,mmHg,82",
    ),
    "measures.import_help_details": (
        "Dates jj/mm/aaaa ou aaaa-mm-jj, heure facultative (hh:mm, heure de Paris). Virgule ou point décimal. "
        "valeur2 : la diastolique d'une tension. Types : poids, taille, tension, pouls, température, saturation, "
        "glycémie, périmètre crânien, tour de taille. 5 Mo au plus. Rien n'est enregistré si une ligne est en erreur.",
        "Dates yyyy-mm-dd or dd/mm/yyyy, time optional (hh:mm, Paris time). Decimal point or comma. value2: the "
        "diastolic of a blood pressure. Types: weight, height, blood_pressure, heart_rate, temperature, spo2, "
        "glucose, head_circumference, waist_circumference. 5 MB at most. Nothing is stored if any row has an error.",
    ),
    "measures.import_file": ("Fichier CSV", "CSV file"),
    "measures.import_check": ("Vérifier le fichier", "Check the file"),
    "measures.import_confirm": ("Importer", "Import"),
    "measures.import_checking": ("Vérification…", "Checking…"),
    # "singular|plural", chosen by ``count`` (French: 0 and 1 are singular)
    "measures.import_summary": (
        "{count} ligne valide sur {total}|{count} lignes valides sur {total}",
        "{count} valid row out of {total}|{count} valid rows out of {total}",
    ),
    "measures.import_errors": ("Erreurs à corriger", "Errors to fix"),
    "measures.import_line": ("Ligne", "Line"),
    "measures.import_done": ("{count} mesure importée.|{count} mesures importées.",
                             "{count} measure imported.|{count} measures imported."),
    "measures.import_no_file": ("Choisissez d'abord un fichier.", "Pick a file first."),
    "measures.column.value": ("valeur", "value"),
    "measures.column.value_secondary": ("valeur2 (diastolique)", "value2 (diastolic)"),
    "measures.column.measured_at": ("date", "date"),
    "measures.column.date": ("date", "date"),
    "measures.column.kind": ("type", "type"),
    "measures.column.unit": ("unité", "unit"),
    "measures.status": ("Interprétation", "Interpretation"),
    "bmi_class.underweight": ("Maigreur (IMC < 18,5)", "Underweight (BMI < 18.5)"),
    "bmi_class.normal": ("Corpulence normale (18,5 à 24,9)", "Normal range (18.5 to 24.9)"),
    "bmi_class.overweight": ("Surpoids (25 à 29,9)", "Overweight (25 to 29.9)"),
    "bmi_class.obese_1": ("Obésité modérée (30 à 34,9)", "Obesity class I (30 to 34.9)"),
    "bmi_class.obese_2": ("Obésité sévère (35 à 39,9)", "Obesity class II (35 to 39.9)"),
    "bmi_class.obese_3": ("Obésité massive (≥ 40)", "Obesity class III (≥ 40)"),
    "bp_class.optimal": ("Optimale (< 120/80)", "Optimal (< 120/80)"),
    "bp_class.normal": ("Normale (120–129 / 80–84)", "Normal (120–129 / 80–84)"),
    "bp_class.high_normal": ("Normale haute (130–139 / 85–89)", "High-normal (130–139 / 85–89)"),
    "bp_class.grade_1": ("Hypertension grade 1 (140–159 / 90–99)", "Grade 1 hypertension (140–159 / 90–99)"),
    "bp_class.grade_2": ("Hypertension grade 2 (160–179 / 100–109)", "Grade 2 hypertension (160–179 / 100–109)"),
    "bp_class.grade_3": ("Hypertension grade 3 (≥ 180 / ≥ 110)", "Grade 3 hypertension (≥ 180 / ≥ 110)"),
    "bp_class.isolated_systolic": (
        "Hypertension systolique isolée (≥ 140 / < 90)",
        "Isolated systolic hypertension (≥ 140 / < 90)",
    ),
    "growth.wfa.normal": ("Poids dans les normes de l'OMS pour l'âge", "Weight within WHO norms for age"),
    "growth.wfa.underweight": ("Poids bas pour l'âge (< −2 z)", "Underweight for age (< −2 z)"),
    "growth.wfa.severely_underweight": ("Poids très bas pour l'âge (< −3 z)", "Severely underweight (< −3 z)"),
    "growth.lhfa.normal": ("Taille dans les normes de l'OMS pour l'âge", "Length/height within WHO norms for age"),
    "growth.lhfa.stunted": ("Petite taille pour l'âge (< −2 z)", "Short for age (< −2 z)"),
    "growth.lhfa.severely_stunted": ("Très petite taille pour l'âge (< −3 z)", "Severely short for age (< −3 z)"),
    "growth.bmi.normal": ("IMC dans les normes de l'OMS pour l'âge", "BMI within WHO norms for age"),
    "growth.bmi.wasted": ("IMC bas pour l'âge (< −2 z)", "Low BMI for age (< −2 z)"),
    "growth.bmi.severely_wasted": ("IMC très bas pour l'âge (< −3 z)", "Very low BMI for age (< −3 z)"),
    "growth.bmi.risk_overweight": ("Risque de surpoids (> +1 z)", "Possible risk of overweight (> +1 z)"),
    "growth.bmi.overweight": ("Surpoids (> +2 z)", "Overweight (> +2 z)"),
    "growth.bmi.obese": ("Obésité (> +3 z)", "Obese (> +3 z)"),
    "growth.hcfa.normal": ("Périmètre crânien dans les normes de l'OMS", "Head circumference within WHO norms"),
    "growth.hcfa.low": ("Périmètre crânien bas (< −2 z)", "Small head circumference (< −2 z)"),
    "growth.hcfa.high": ("Périmètre crânien élevé (> +2 z)", "Large head circumference (> +2 z)"),
    "error.measure_out_of_range": (
        "Valeur impossible pour « {kind} » : elle doit être comprise entre {min} et {max} {unit}.",
        "Impossible value for “{kind}”: it must be between {min} and {max} {unit}.",
    ),
    "error.diastolic_above_systolic": (
        "La diastolique doit être inférieure à la systolique.",
        "The diastolic must be lower than the systolic.",
    ),
    "error.invalid_unit": ("Unité non prise en charge pour cette mesure.", "Unit not supported for this measure."),
    "error.import_too_large": ("Fichier trop gros : {max_mb} Mo au plus.", "File too large: {max_mb} MB at most."),
    "error.import_not_csv": (
        "Ce fichier n'est pas un CSV lisible (texte UTF-8).",
        "This file is not a readable CSV (UTF-8 text).",
    ),
    "error.import_empty": ("Le fichier ne contient aucune mesure.", "The file contains no measures."),
    "error.import_columns": (
        "Colonnes attendues : date, type, valeur, unité (et valeur2, la diastolique, pour une tension), "
        "nommées sur la première ligne.",
        "Expected columns: date, type, value, unit (and value2, the diastolic, for a blood pressure), "
        "named on the first line.",
    ),
    "error.import_too_many_rows": ("Trop de lignes : {max} au plus.", "Too many rows: {max} at most."),
    "error.import_date": (
        "Date illisible : jj/mm/aaaa ou aaaa-mm-jj, suivie si besoin de l'heure (hh:mm).",
        "Unreadable date: yyyy-mm-dd or dd/mm/yyyy, with the time (hh:mm) if needed.",
    ),
    "error.import_unknown_kind": (
        "Type de mesure inconnu (poids, taille, tension, pouls, température…).",
        "Unknown type of measure (weight, height, blood_pressure, heart_rate, temperature…).",
    ),
    "error.import_has_errors": (
        "{count} ligne en erreur : rien n'a été importé.|{count} lignes en erreur : rien n'a été importé.",
        "{count} row with errors: nothing was imported.|{count} rows with errors: nothing was imported.",
    ),
    # --- Apple Health export import (issue 12, item 3): keys "measures.apple_*", "error.apple_*" ---
    "measures.import_format": ("Type de fichier", "File type"),
    "measures.import_format_csv": ("Fichier CSV", "CSV file"),
    "measures.import_format_apple": ("Export de l'app Santé d'Apple (zip ou xml)", "Apple Health export (zip or xml)"),
    "measures.apple_help": (
        "Sur l'iPhone : app Santé → photo de profil → « Exporter toutes les données de santé ». Choisissez "
        "export.zip (ou export.xml). Poids, taille, pouls, tension, température, saturation et glycémie sont "
        "ajoutés ; une mesure déjà enregistrée n'est pas ajoutée deux fois.",
        "On the iPhone: Health app → profile picture → \"Export All Health Data\". Pick export.zip (or "
        "export.xml). Weight, height, heart rate, blood pressure, temperature, oxygen saturation and glucose are "
        "added; a measure already stored is not added twice.",
    ),
    "measures.apple_file": ("Export Santé (zip ou xml)", "Health export (zip or xml)"),
    "measures.apple_start": ("Importer l'export", "Import the export"),
    "measures.apple_sending": ("Envoi du fichier…", "Sending the file…"),
    "measures.apple_progress": ("Import en cours : {percent} %", "Importing: {percent}%"),
    "measures.apple_done": ("Import terminé.", "Import finished."),
    "measures.apple_failed": (
        "L'import s'est arrêté : {reason} Les mesures déjà ajoutées restent ; importez le même fichier à nouveau "
        "pour ajouter les autres (rien n'est ajouté deux fois).",
        "The import stopped: {reason} The measures already added stay; import the same file again to add the "
        "rest (nothing is added twice).",
    ),
    "measures.apple_interrupted": (
        "L'import a été interrompu. Importez le même fichier à nouveau : rien n'est ajouté deux fois.",
        "The import was interrupted. Import the same file again: nothing is added twice.",
    ),
    "measures.apple_added": ("{kind} : {count} mesure ajoutée|{kind} : {count} mesures ajoutées",
                             "{kind}: {count} measure added|{kind}: {count} measures added"),
    "measures.apple_added_none": ("Aucune nouvelle mesure.", "No new measures."),
    "measures.apple_duplicates": ("Déjà enregistrées, non ajoutées : {count}", "Already stored, not added: {count}"),
    "measures.apple_other": ("Autres types non importés (pas, entraînements…) : {count}",
                             "Other types not imported (steps, workouts…): {count}"),
    "measures.apple_bmi": ("IMC non importés (MES le calcule d'après le poids et la taille) : {count}",
                           "BMI not imported (MES computes it from weight and height): {count}"),
    "measures.apple_clinical": (
        "Non importé : {count} dossier clinique|Non importés : {count} dossiers cliniques",
        "Not imported: {count} clinical record|Not imported: {count} clinical records",
    ),
    "measures.apple_clinical_done": (
        "Importée des dossiers cliniques : {count} entrée|Importées des dossiers cliniques : {count} entrées",
        "Imported from the clinical records: {count} entry|Imported from the clinical records: {count} entries",
    ),
    "measures.apple_errors": ("Mesures illisibles ou impossibles, ignorées : {count}",
                              "Unreadable or impossible measures, skipped: {count}"),
    "error.apple_too_large": ("Fichier trop gros : 2 Go au plus.", "File too large: 2 GB at most."),
    "error.apple_not_export": (
        "Ce fichier n'est pas un export de l'app Santé (export.zip ou export.xml).",
        "This file is not a Health app export (export.zip or export.xml).",
    ),
    "error.apple_entities": (
        "Fichier refusé : il déclare des entités XML, ce qu'un export de l'app Santé ne fait jamais.",
        "File refused: it declares XML entities, which a Health app export never does.",
    ),
    "error.apple_busy": ("Un import est déjà en cours : attendez qu'il se termine.",
                         "An import is already running: wait for it to finish."),
    "error.apple_failed": ("une erreur inattendue.", "an unexpected error."),
    "error.apple_pressure_incomplete": ("Tension incomplète (systolique ou diastolique manquante).",
                                        "Incomplete blood pressure (systolic or diastolic missing)."),
    # --- documents (issue 4): keys "documents.*" go below this line ---
    "documents.add": ("Ajouter un document", "Add a document"),
    "documents.title_field": ("Titre", "Title"),
    "documents.date": ("Date du document", "Document date"),
    "documents.category": ("Catégorie", "Category"),
    "documents.file": ("Fichier : PDF ou photo (JPEG, PNG, HEIC)", "File: PDF or photo (JPEG, PNG, HEIC)"),
    "documents.take_photo": ("Ou prendre une photo", "Or take a photo"),
    "documents.max_size": ("Taille maximale :", "Largest accepted:"),
    "documents.send": ("Envoyer", "Upload"),
    "documents.sending": ("Envoi en cours…", "Uploading…"),
    "documents.uploaded": ("Document ajouté.", "Document added."),
    "documents.filter_all": ("Toutes les catégories", "All categories"),
    "documents.search": ("Rechercher par titre", "Search by title"),
    "documents.empty": ("Aucun document pour l'instant.", "No documents yet."),
    "documents.open": ("Ouvrir", "Open"),
    "documents.download": ("Télécharger", "Download"),
    "documents.sharing": ("Partage", "Sharing"),
    "documents.sharing_title": ("Qui peut voir ce document ?", "Who can see this document?"),
    "documents.hide_all_pros": ("Masquer à tous les professionnels", "Hide from all professionals"),
    "documents.hidden_badge": ("Masqué aux professionnels", "Hidden from professionals"),
    "documents.hidden_note": (
        "Masqué à tous les professionnels : leurs interrupteurs sont sans effet tant que ce masquage est actif.",
        "Hidden from all professionals: their switches have no effect while this is on.",
    ),
    "documents.no_grantees": (
        "Personne d'autre que vous (et les autres responsables) ne peut voir ce document.",
        "Nobody but you (and the other guardians) can see this document.",
    ),
    "documents.grantee_professional": ("Équipe de soins", "Care team"),
    "documents.grantee_caregiver": ("Proche, en lecture seule", "Caregiver, read-only"),
    "documents.grantee_share_link": ("Lien de partage, valable jusqu'au", "Share link, valid until"),
    "documents.sharing_updated": ("Partage mis à jour.", "Sharing updated."),
    "documents.close": ("Fermer", "Close"),
    "documents.confirm_delete_title": ("Supprimer ce document ?", "Delete this document?"),
    "documents.confirm_delete_text": (
        "Le fichier sera effacé du dossier. Cette action est définitive.",
        "The file will be erased from the record. This cannot be undone.",
    ),
    "documents.deleted": ("Document supprimé.", "Document deleted."),
    "documents.by": ("Déposé par", "Deposited by"),
    "documents.access_history": ("Historique des accès", "Access history"),
    "documents.count": ("document(s)", "document(s)"),
    "error.document_too_large": ("Fichier trop volumineux ({max_mb} Mo au plus) : rien n'a été enregistré.",
                                 "File too large (at most {max_mb} MB): nothing was saved."),
    "error.document_empty": ("Le fichier est vide : rien n'a été enregistré.", "The file is empty: nothing was saved."),
    "error.document_type_not_allowed": (
        "Ce fichier n'est ni un PDF ni une photo (JPEG, PNG, HEIC) : il n'a pas été enregistré.",
        "This file is neither a PDF nor a photo (JPEG, PNG, HEIC): it was not saved.",
    ),
    "error.document_bad_filename": (
        "Nom de fichier refusé (chemin, caractères invisibles ou trop long) : renommez le fichier.",
        "File name refused (a path, invisible characters or too long): please rename the file.",
    ),
    "error.document_duplicate": ("Ce fichier est déjà dans les documents.", "This file is already in the documents."),
    "error.document_incomplete": (
        "L'envoi a été interrompu : rien n'a été enregistré. Réessayez.",
        "The upload was interrupted: nothing was saved. Please try again.",
    ),
    "error.document_store_failed": (
        "Le document n'a pas pu être enregistré (espace de stockage plein ou indisponible) : rien n'a été "
        "enregistré. Réessayez plus tard.",
        "The document could not be saved (storage full or unavailable): nothing was saved. Please try again later.",
    ),
    "error.document_no_file": ("Choisissez un fichier ou prenez une photo.", "Choose a file or take a photo."),
    "error.upload_failed": (
        "L'envoi a échoué. Vérifiez la connexion et réessayez.",
        "The upload failed. Check the connection and try again.",
    ),
    "access.title": ("Historique des accès", "Access history"),
    "access.intro": (
        "Qui a consulté ce dossier, quand, et à quel titre. Vos propres consultations n'y figurent pas ; "
        "les tentatives répétées sont regroupées sur une ligne.",
        "Who opened this record, when, and through which access. Your own visits are not listed; "
        "repeated attempts are grouped on one line.",
    ),
    "access.empty": ("Personne n'a encore consulté ce dossier.", "Nobody has opened this record yet."),
    "access.more": ("Voir plus", "Show more"),
    "documents.more": ("Voir plus de documents", "Show more documents"),
    "access.a_link": ("Une personne avec un lien", "Someone with a link"),
    "access.someone": ("Quelqu'un", "Someone"),
    # one label per recorded action code (mes_app.domain.access_log.LoggedAction)
    "access.action.read": ("a consulté", "viewed"),
    "access.action.download": ("a ouvert", "opened"),
    "access.action.export": ("a téléchargé une copie de", "took a copy of"),
    "access.action.create": ("a ajouté une entrée dans", "added an entry to"),
    "access.action.update": ("a modifié une entrée dans", "changed an entry in"),
    "access.action.delete": ("a supprimé une entrée dans", "deleted an entry in"),
    "access.action.manage": ("a géré", "managed"),
    "access.action.start_thread": ("a commencé une conversation dans", "started a conversation in"),
    "access.action.reply": ("a répondu dans", "replied in"),
    "access.action.denied": ("a tenté d'ouvrir", "tried to open"),
    "access.action.unknown": ("a accédé à", "accessed"),
    # whole phrases (no target after them) where "action + target" reads badly
    "access.did.denied.passcode": ("a saisi un mauvais code d'accès", "entered a wrong passcode"),
    "access.did.create.measures_import": ("a importé des mesures", "imported measures"),
    # verbs for one target kind, when the action's own label reads badly before it
    "access.verb.delete.document": ("a supprimé", "deleted"),
    "access.verb.manage.document": ("a modifié le partage de", "changed the sharing of"),
    # one label per recorded target kind (mes_app.domain.access_log.TARGET_KINDS)
    "access.target.profile": ("le profil", "the profile"),
    "access.target.history": ("l'histoire de santé", "the health history"),
    "access.target.conditions": ("les maladies et problèmes de santé", "conditions"),
    "access.target.treatments": ("les traitements", "treatments"),
    "access.target.hospitalisations": ("les hospitalisations", "hospital stays"),
    "access.target.risk_factors": ("les facteurs de risque", "risk factors"),
    "access.target.vaccinations": ("les vaccinations", "vaccinations"),
    "access.target.measures": ("les mesures de santé", "health measures"),
    "access.target.documents": ("les documents", "documents"),
    "access.target.messages": ("les messages", "messages"),
    "access.target.appointments": ("les rendez-vous", "appointments"),
    "access.target.encounters": ("les consultations et soins", "visits and care"),
    "access.target.handicaps": ("les handicaps", "disabilities"),
    "access.target.allergies": ("les allergies", "allergies"),
    "access.target.family_history": ("les antécédents familiaux", "family history"),
    "access.target.habits": ("les habitudes de vie", "lifestyle"),
    "access.target.document": ("un document", "a document"),
    "access.target.unknown": ("une partie du dossier", "part of the record"),
    "access.target.documents_several": ("plusieurs documents", "several documents"),
    "access.target.access_history": ("l'historique des accès", "the access history"),
    "access.target.emergency_card": ("la carte d'urgence", "the emergency card"),
    "access.target.share_link": ("les liens de partage", "the share links"),
    "access.target.caregivers": ("les accès des proches", "caregiver access"),
    "access.target.care_team": ("l'équipe de soins", "the care team"),
    "access.target.message_thread": ("les messages", "messages"),
    "access.target.measures_import": ("l'import de mesures", "the measures import"),
    "access.target.fhir_import": ("l'import d'un fichier FHIR", "the import of a FHIR file"),
    "access.target.passcode": ("le code d'accès d'un lien", "a link's passcode"),
    "access.target.summary": ("la synthèse", "the summary"),
    "access.target.record_export": ("le dossier complet (FHIR)", "the whole record (FHIR)"),
    "access.target.summary_fhir": ("la synthèse au format FHIR", "the summary as FHIR"),
    "access.target.shl_file": ("la synthèse chiffrée d'un lien", "a link's encrypted summary"),
    "access.target.prevention": ("le calendrier de prévention", "the prevention schedule"),
    "access.target.vaccination_history": (
        "la réponse sur les vaccinations passées",
        "the answer about past vaccinations",
    ),
    "access.the_document_titled": ("le document « {title} »", "the document “{title}”"),
    # one label per recorded "via" code (mes_app.domain.access_log.LoggedVia)
    "access.via.owner": ("titulaire du dossier", "record holder"),
    "access.via.guardian": ("responsable légal", "guardian"),
    "access.action.invite": ("a envoyé", "sent"),
    "access.action.invite_accept": ("a accepté", "accepted"),
    "access.action.invite_decline": ("a refusé", "declined"),
    "access.action.invite_cancel": ("a annulé", "cancelled"),
    "access.target.invitation": ("une invitation à gérer ce profil", "an invitation to manage this profile"),
    "access.action.revoke": ("a retiré", "revoked"),
    "access.target.caregiver_invitation": (
        "une invitation d'aidant (lecture seule)",
        "a caregiver invitation (read-only)",
    ),
    "access.target.caregiver_grant": ("l'accès d'un aidant", "a caregiver's access"),
    "access.via.invitation": ("invitation", "invitation"),
    "access.via.care_team": ("équipe de soins", "care team"),
    "access.via.caregiver": ("accès proche", "caregiver access"),
    "access.via.share_link": ("lien de partage", "share link"),
    "access.via.emergency": ("accès d'urgence", "emergency access"),
    "access.via.none": ("refusé", "refused"),
    # repeated lines and strangers' attempts (grouped)
    "access.times_same_day": (
        "{count} fois le {date}, entre {start} et {end}",
        "{count} times on {date}, between {start} and {end}",
    ),
    "access.times_days": ("{count} fois entre le {start} et le {end}", "{count} times between {start} and {end}"),
    "access.times_same_minute": ("{count} fois le {date} à {time}", "{count} times on {date} at {time}"),
    "access.refused_same_minute": (
        "{count} tentatives refusées le {date} à {time}", "{count} refused attempts on {date} at {time}",
    ),
    "access.refused_same_day": (
        "{count} tentatives refusées le {date}, entre {start} et {end}",
        "{count} refused attempts on {date}, between {start} and {end}",
    ),
    "access.refused_days": (
        "{count} tentatives refusées entre le {start} et le {end}",
        "{count} refused attempts between {start} and {end}",
    ),
    "access.stranger": ("Quelqu'un sans accès à ce dossier", "Someone with no access to this record"),
    "access.stranger_tried": ("a tenté de l'ouvrir", "tried to open it"),
    "access.stranger_note": ("refusé : rien ne lui a été montré", "refused: nothing was shown"),
    # --- appointments, prevention, emergency card (issue 6): keys go below this line ---
    "appointments.intro": (
        "Les rendez-vous à venir de toute la famille. Les rendez-vous passés rejoignent l'histoire de santé.",
        "Upcoming appointments for the whole family. Past ones join the health history.",
    ),
    "appointments.add": ("Ajouter un rendez-vous", "Add an appointment"),
    "appointments.new_title": ("Nouveau rendez-vous", "New appointment"),
    "appointments.edit_title": ("Modifier le rendez-vous", "Edit appointment"),
    "appointments.for_whom": ("Pour qui ?", "For whom?"),
    "appointments.field.title": ("Objet (ex. : pédiatre, dentiste)", "What (e.g. paediatrician, dentist)"),
    "appointments.field.starts_at": ("Date et heure", "Date and time"),
    "appointments.field.ends_at": ("Fin (facultatif)", "End (optional)"),
    "appointments.field.practitioner": ("Avec qui ?", "With whom?"),
    "appointments.field.location": ("Où ?", "Where?"),
    "appointments.field.reason": ("Motif", "Reason"),
    "appointments.empty": ("Aucun rendez-vous à venir.", "No upcoming appointments."),
    "appointments.export_all": ("Tout exporter (.ics)", "Export all (.ics)"),
    "appointments.add_to_calendar": ("Ajouter à mon agenda", "Add to my calendar"),
    "appointments.cancel": ("Annuler le rendez-vous", "Cancel appointment"),
    "appointments.keep": ("Garder", "Keep it"),
    "appointments.accept": ("Accepter", "Accept"),
    "appointments.decline": ("Refuser", "Decline"),
    "appointments.proposed_by": ("Proposé par", "Proposed by"),
    "appointments.confirm_cancel_title": ("Annuler ce rendez-vous ?", "Cancel this appointment?"),
    "appointments.confirm_cancel_text": (
        "Il restera visible comme annulé. Pensez à prévenir le cabinet.",
        "It will stay visible as cancelled. Remember to tell the practice.",
    ),
    "appointments.saved": ("Rendez-vous enregistré.", "Appointment saved."),
    "appointments.proposed_toast": ("Proposition envoyée au patient.", "Proposal sent to the patient."),
    "appointments.cancelled_toast": ("Rendez-vous annulé.", "Appointment cancelled."),
    "appointments.accepted_toast": ("Rendez-vous accepté.", "Appointment accepted."),
    "appointments.declined_toast": ("Proposition refusée.", "Proposal declined."),
    "appointments.status.planned": ("Prévu", "Planned"),
    "appointments.status.proposed": ("Proposé — à confirmer", "Proposed — to confirm"),
    "appointments.status.cancelled": ("Annulé", "Cancelled"),
    "appointments.status.declined": ("Refusé", "Declined"),
    "appointments.error.closed": (
        "Ce rendez-vous est annulé ou refusé : il ne peut plus être modifié.",
        "This appointment is cancelled or declined: it can no longer be changed.",
    ),
    "appointments.error.not_proposed": (
        "Ce rendez-vous n'attend plus de réponse.",
        "This appointment no longer awaits an answer.",
    ),
    "home.upcoming_appointments": ("Prochains rendez-vous", "Upcoming appointments"),
    "section.prevention": ("Prévention : vaccins et examens", "Prevention: vaccines and check-ups"),
    "reminders.title": ("À ne pas oublier", "Don't forget"),
    "reminders.dismiss": ("Masquer cet avis", "Dismiss this notice"),
    "reminders.count_label": ("rappels", "reminders"),
    "reminders.appointment_proposed": ("{name} : rendez-vous proposé à confirmer — {title}",
                                       "{name}: proposed appointment to confirm — {title}"),
    "reminders.appointment_soon": ("{name} : {title}", "{name}: {title}"),
    "reminders.vaccine_overdue": ("{name} : vaccin en retard ou non enregistré — {title}",
                                  "{name}: vaccination overdue or not recorded — {title}"),
    "reminders.new_documents": ("{name} : {count} nouveau(x) document(s) cette semaine",
                                "{name}: {count} new document(s) this week"),
    "reminders.unread_messages": ("{name} : {count} message(s) non lu(s)", "{name}: {count} unread message(s)"),
    "reminders.sub.when": ("le {date} à {time}", "on {date} at {time}"),
    "reminders.sub.overdue": ("{count} dose(s) · en retard depuis le {date}", "{count} dose(s) · overdue since {date}"),
    "prevention.status.done": ("Fait", "Done"),
    "prevention.status.due": ("À faire", "Due"),
    "prevention.status.overdue": ("En retard", "Overdue"),
    "prevention.status.upcoming": ("À venir", "Upcoming"),
    "prevention.status.missed": ("Non enregistré", "Not recorded"),
    "prevention.status.to_check": ("À vérifier avec votre médecin", "To check with your doctor"),
    "prevention.next_vaccine": ("Prochain vaccin", "Next vaccination"),
    "prevention.next_exam": ("Prochain examen obligatoire", "Next compulsory check-up"),
    "prevention.nothing_next": ("Aucun vaccin prévu par le calendrier pour l'instant.",
                                "No vaccination due on the schedule for now."),
    "prevention.todo": ("À faire maintenant", "To do now"),
    "prevention.upcoming": ("À venir", "Coming up"),
    "prevention.done": ("Déjà fait", "Already done"),
    "prevention.missed": ("Passé sans trace dans le dossier", "Passed with nothing in the record"),
    "prevention.recommended": ("Recommandé :", "Recommended:"),
    "prevention.done_on": ("Fait le", "Done on"),
    "prevention.late_since": ("en retard depuis le", "overdue since"),
    "prevention.check_with_doctor": ("à vérifier avec votre médecin", "to check with your doctor"),
    "prevention.before": ("à faire avant le", "to do before"),
    "prevention.from": ("à partir du", "from"),
    "prevention.not_recorded": (
        "rien n'est enregistré ; si c'est fait, ajoutez-le au dossier",
        "nothing is recorded; if it was done, add it to the record",
    ),
    "prevention.compulsory": ("Obligatoire", "Compulsory"),
    "prevention.uncoded_hint": (
        "Des vaccins sont enregistrés sans code : ils ne sont pas pris en compte. Choisissez-les dans la liste codée.",
        "Some vaccines are recorded without a code: they are not counted. Pick them from the coded list.",
    ),
    "prevention.no_exams": (
        "Les examens de l'enfant ne sont pas affichés : l'histoire de santé n'est pas partagée avec vous.",
        "The child check-ups are not shown: the health history is not shared with you.",
    ),
    "prevention.sources": ("Sources du calendrier", "Sources of the schedule"),
    "prevention.disclaimer": (
        "Un repère, pas un avis médical : votre médecin adapte le calendrier (rattrapage, situations particulières).",
        "A guide, not medical advice: your doctor adapts the schedule (catch-up, special situations).",
    ),
    "prevention.to_check": ("À vérifier avec votre médecin", "To check with your doctor"),
    "prevention.to_check_hint": (
        "Rien n'est enregistré pour ces vaccins : ce ne sont pas des retards. Apportez votre carnet de santé ou "
        "parlez-en à votre médecin, qui dira s'il faut un rattrapage.",
        "Nothing is recorded for these vaccinations: they are not delays. Bring your health booklet or ask your "
        "doctor, who will say whether a catch-up is needed.",
    ),
    "prevention.history.title": ("Connaissez-vous vos vaccinations passées ?", "Do you know your past vaccinations?"),
    "prevention.history.text": (
        "Aucun vaccin n'est encore enregistré dans ce dossier. Avant de vous montrer le calendrier, dites-nous où "
        "vous en êtes.",
        "No vaccination is recorded in this record yet. Before showing you the schedule, tell us where you stand.",
    ),
    "prevention.history.now": ("Je les ajoute maintenant", "I'll add them now"),
    "prevention.history.later": ("Je les ajouterai plus tard", "I'll add them later"),
    "prevention.history.unknown": ("Je ne sais pas", "I don't know"),
    "prevention.history.answered.now": ("Vaccinations passées : en cours d'ajout.", "Past vaccinations: being added."),
    "prevention.history.answered.later": ("Vaccinations passées : à ajouter plus tard.",
                                          "Past vaccinations: to be added later."),
    "prevention.history.answered.unknown": ("Vaccinations passées : inconnues.", "Past vaccinations: not known."),
    "prevention.history.change": ("Modifier ma réponse", "Change my answer"),
    "prevention.history.keep": ("Garder ma réponse", "Keep my answer"),
    "prevention.history.add": ("Ajouter un vaccin", "Add a vaccination"),
    # --- care team, caregivers, who can see my record, summary (issue 5a) ---
    "section.profile": ("Identité", "Identity"),
    "section.care_team": ("Équipe de soins", "Care team"),
    "section.caregivers": ("Aidants", "Caregivers"),
    "section.who_can_see": ("Qui peut voir mon dossier", "Who can see my record"),
    "section.patients": ("Mes patients", "My patients"),
    "nav.patients": ("Patients", "Patients"),
    "care.intro": (
        "Les professionnels de l'équipe de soins voient tout le dossier, sauf ce que vous masquez aux professionnels.",
        "Care team professionals see the whole record, except what you hide from professionals.",
    ),
    "care.identifier": ("E-mail ou n° RPPS du professionnel", "Professional's e-mail or RPPS number"),
    "care.add": ("Ajouter à l'équipe de soins", "Add to the care team"),
    "care.added": ("Professionnel ajouté à l'équipe de soins.", "Professional added to the care team."),
    "care.block": ("Bloquer", "Block"),
    "care.unblock": ("Débloquer", "Unblock"),
    "care.remove": ("Retirer", "Remove"),
    "care.blocked": ("Bloqué", "Blocked"),
    "care.blocked_done": ("Accès bloqué.", "Access blocked."),
    "care.unblocked_done": ("Accès rétabli.", "Access restored."),
    "care.removed_done": ("Professionnel retiré de l'équipe de soins.", "Professional removed from the care team."),
    "care.confirm_remove_title": ("Retirer ce professionnel ?", "Remove this professional?"),
    "care.confirm_remove_text": (
        "Il ne pourra plus ouvrir ce dossier, dès sa prochaine action.",
        "They will no longer be able to open this record, from their very next action.",
    ),
    "care.empty": ("Aucun professionnel dans l'équipe de soins.", "No professional in the care team."),
    "care.since": ("Depuis le", "Since"),
    "care.last_used": ("Dernier accès", "Last access"),
    "care.never": ("jamais", "never"),
    "care.rpps": ("RPPS", "RPPS"),
    "caregivers.intro": (
        "Un aidant (grand-parent, nounou…) voit en lecture seule les rubriques choisies, et les documents que vous "
        "partagez un par un, une fois votre invitation acceptée depuis son compte MES. Il ne voit rien avant.",
        "A caregiver (grandparent, nanny…) sees the chosen sections read-only, and the documents you share one by "
        "one, once they accept your invitation from their MES account. They see nothing before.",
    ),
    "caregivers.email": ("E-mail de son compte MES", "E-mail of their MES account"),
    "caregivers.scope": ("Ce qu'il ou elle peut voir", "What they can see"),
    "caregivers.ends_on": ("Jusqu'au (facultatif)", "Until (optional)"),
    "caregivers.invite": ("Inviter cet aidant", "Invite this caregiver"),
    "caregivers.pending_badge": ("En attente", "Pending"),
    "caregivers.pending_line": (
        "{access} · envoyée par {who} · à accepter avant le {until}",
        "{access} · sent by {who} · to accept before {until}",
    ),
    "caregivers.revoke": ("Retirer l'accès", "Revoke access"),
    "caregivers.revoked": ("Accès retiré.", "Access revoked."),
    "caregivers.confirm_title": ("Retirer cet accès ?", "Revoke this access?"),
    "caregivers.confirm_text": (
        "La personne ne verra plus rien de ce profil, dès sa prochaine action.",
        "They will no longer see anything of this profile, from their very next action.",
    ),
    "caregivers.empty": ("Aucun aidant.", "No caregiver."),
    "caregivers.until": ("Jusqu'au", "Until"),
    "caregivers.no_end": ("Sans date de fin", "No end date"),
    "caregivers.documents_hint": (
        "Documents : seuls ceux que vous activez pour les aidants, sur la page Documents.",
        "Documents: only those you switch on for caregivers, on the Documents page.",
    ),
    "who.intro": (
        "Chaque accès accordé à ce profil, avec sa portée et sa dernière utilisation. "
        "Vous pouvez le retirer à tout moment.",
        "Every access granted to this profile, with its scope and last use. You can revoke it at any time.",
    ),
    "who.care_team": ("Équipe de soins : tout le dossier, sauf ce qui est masqué aux professionnels",
                      "Care team: the whole record, except what is hidden from professionals"),
    "who.caregivers": ("Aidants", "Caregivers"),
    "who.links": ("Liens de partage", "Share links"),
    "who.no_one": ("Personne d'autre que vous n'a accès à ce dossier.", "No one but you can access this record."),
    "who.revoke": ("Retirer", "Revoke"),
    "who.confirm_title": ("Retirer cet accès ?", "Revoke this access?"),
    "who.confirm_text": ("L'accès cesse immédiatement.", "The access ends at once."),
    "who.revoked": ("Accès retiré.", "Access revoked."),
    "who.created": ("Créé le", "Created"),
    "who.expires": ("Expire le", "Expires"),
    "who.passcode": ("Protégé par un code", "Passcode protected"),
    "who.link_default": ("Lien de partage", "Share link"),
    "who.manage_care_team": ("Gérer l'équipe de soins", "Manage the care team"),
    "who.manage_caregivers": ("Gérer les aidants", "Manage caregivers"),
    "patients.intro": ("Les patients dont vous faites partie de l'équipe de soins.",
                       "The patients whose care team you belong to."),
    "patients.empty": ("Aucun patient ne vous a encore ajouté à son équipe de soins.",
                       "No patient has added you to their care team yet."),
    "patients.last_access": ("Dernier accès", "Last access"),
    "patients.open": ("Ouvrir", "Open"),
    "readonly.notice": ("Accès en lecture seule, partagé avec vous.", "Read-only access, shared with you."),
    "error.invalid_professional_id": (
        "Identifiant professionnel invalide (RPPS).",
        "Invalid professional identifier (RPPS).",
    ),
    "error.professional_not_found": (
        "Aucun professionnel de santé inscrit sur MES avec cet e-mail ou ce n° RPPS. Vérifiez l'adresse ou "
        "demandez-lui l'e-mail de son compte professionnel MES.",
        "No health professional registered on MES with this e-mail or RPPS number. Check the address or ask "
        "them for the e-mail of their MES professional account.",
    ),
    "error.already_in_care_team": ("Ce professionnel est déjà dans l'équipe de soins.",
                                   "This professional is already in the care team."),
    "error.scope_required": ("Choisissez au moins une rubrique.", "Choose at least one section."),
    "error.end_in_past": ("La date de fin est déjà passée.", "The end date is already past."),
    "error.caregiver_manages": ("Cette personne gère déjà ce profil.", "This person already manages this profile."),
    "error.already_caregiver": (
        "Cette personne a déjà un accès : retirez-le avant d'en donner un autre.",
        "This person already has access: revoke it before granting another.",
    ),
    # --- share links, QR, SMART Health Links, emergency card (issue 5b / 6) ---
    "section.summary": ("Synthèse", "Summary"),
    "section.share": ("Partager par lien", "Share by link"),
    "summary.intro": (
        "L'essentiel du dossier sur une page : identité, allergies, problèmes et traitements en cours, vaccinations, "
        "dernières mesures.",
        "The essentials of the record on one page: identity, allergies, current problems and treatments, "
        "vaccinations, latest measures.",
    ),
    "summary.allergies": ("Allergies", "Allergies"),
    "summary.problems": ("Problèmes de santé en cours", "Current problems"),
    "summary.treatments": ("Traitements en cours", "Current treatments"),
    "summary.vaccinations": ("Vaccinations", "Vaccinations"),
    "summary.measures": ("Dernières mesures", "Latest measures"),
    "summary.documents": ("Documents", "Documents"),
    "summary.none": ("Rien d'enregistré.", "Nothing recorded."),
    "summary.born": ("Né(e) le", "Born"),
    "summary.generated": ("Synthèse établie le", "Summary made on"),
    "summary.print": ("Imprimer", "Print"),
    "summary.download_fhir": ("Télécharger (FHIR)", "Download (FHIR)"),
    "summary.dose": ("dose {n}", "dose {n}"),
    "share.cta": ("Partager cette synthèse", "Share this summary"),
    "share.intro": (
        "Créez un lien (et un QR code) pour quelqu'un sans compte : un médecin à l'étranger, une baby-sitter. "
        "Il ne voit que ce que vous cochez, jusqu'à l'expiration, et vous pouvez le retirer à tout moment.",
        "Create a link (and a QR code) for someone without an account: a doctor abroad, a babysitter. "
        "They see only what you tick, until it expires, and you can revoke it at any time.",
    ),
    "share.new": ("Nouveau lien", "New link"),
    "share.scope": ("Ce que la personne verra", "What they will see"),
    "share.scope_identity": (
        "L'identité (nom, date de naissance) est toujours incluse.",
        "Identity (name, date of birth) is always included.",
    ),
    "share.documents_hint": (
        "Documents : seuls ceux que vous activez pour ce lien, sur la page Documents.",
        "Documents: only those you switch on for this link, on the Documents page.",
    ),
    "share.expires": ("Valable", "Valid for"),
    "share.expiry_1": ("1 heure", "1 hour"),
    "share.expiry_24": ("24 heures", "24 hours"),
    "share.expiry_72": ("3 jours", "3 days"),
    "share.expiry_168": ("7 jours", "7 days"),
    "share.expiry_720": ("30 jours", "30 days"),
    "share.expiry_2160": ("3 mois", "3 months"),
    "share.expiry_8760": ("1 an", "1 year"),
    "share.passcode_optional": (
        "Code (facultatif, 4 caractères au moins)",
        "Passcode (optional, at least 4 characters)",
    ),
    "share.label": ("Pour qui ? (facultatif)", "For whom? (optional)"),
    "share.create": ("Créer le lien", "Create the link"),
    "share.created": ("Lien créé.", "Link created."),
    "share.ready": ("Votre lien est prêt", "Your link is ready"),
    "share.ready_hint": (
        "Montrez le QR code ou envoyez le lien. Il ne sera plus affiché ensuite : créez-en un autre si besoin.",
        "Show the QR code or send the link. It will not be shown again: create another one if needed.",
    ),
    "share.copy": ("Copier le lien", "Copy the link"),
    "share.url_label": ("Adresse du lien", "Link address"),
    "emergency.url_label": ("Adresse de la carte", "Card address"),
    "share.copied": ("Lien copié.", "Link copied."),
    "share.tell_passcode": (
        "Donnez le code à part (de vive voix, par SMS).",
        "Give the passcode separately (in person, by text).",
    ),
    "share.my_links": ("Mes liens", "My links"),
    "share.no_links": ("Aucun lien de partage.", "No share link."),
    "share.past_links": ("Liens révoqués ou expirés", "Revoked or expired links"),
    "share.last_opened": ("Dernière ouverture :", "Last opened:"),
    "share.revoke": ("Retirer le lien", "Revoke the link"),
    "share.revoked": ("Lien retiré : il ne s'ouvre plus.", "Link revoked: it no longer opens."),
    "share.confirm_title": ("Retirer ce lien ?", "Revoke this link?"),
    "share.confirm_text": ("Il cessera de fonctionner immédiatement, y compris pour une page déjà ouverte.",
                           "It stops working at once, including for a page already open."),
    "share.only_managers": ("Seuls le patient et ses représentants légaux peuvent partager ce dossier.",
                            "Only the patient and their legal guardians can share this record."),
    "share.status_active": ("Actif", "Active"),
    "share.badge_expired": ("Expiré", "Expired"),
    "share.badge_revoked": ("Retiré", "Revoked"),
    "share.badge_locked": ("Bloqué", "Locked"),
    "share.visitor_title": ("Synthèse de santé partagée", "Shared health summary"),
    "share.visitor_intro": (
        "Partagée par le patient ou ses parents, en lecture seule. Chaque ouverture leur est signalée.",
        "Shared by the patient or their parents, read-only. Every opening is shown to them.",
    ),
    "share.status_not_found": ("Lien introuvable.", "Link not found."),
    "share.status_expired": ("Ce lien a expiré.", "This link has expired."),
    "share.status_revoked": ("Ce lien a été retiré.", "This link has been revoked."),
    "share.status_locked": (
        "Ce lien est bloqué après trop de codes erronés.",
        "This link is locked after too many wrong passcodes.",
    ),
    "share.passcode_needed": ("Ce lien est protégé par un code.", "This link is protected by a passcode."),
    "share.passcode": ("Code", "Passcode"),
    "share.open": ("Ouvrir", "Open"),
    "share.wrong_passcode": ("Code incorrect. Encore {n} essai(s) avant blocage du lien.",
                             "Wrong passcode. {n} attempt(s) left before the link locks."),
    "error.share_passcode_length": ("Le code doit faire de {min} à {max} caractères.",
                                    "The passcode must be {min} to {max} characters long."),
    "section.emergency_card": ("Carte d'urgence", "Emergency card"),
    "emergency.intro": (
        "En cas d'urgence, un QR code donne l'essentiel à un soignant ou un secouriste, sans compte. "
        "Vous choisissez ce qui y figure ; chaque consultation est enregistrée et vous en êtes prévenu(e).",
        "In an emergency, a QR code gives the essentials to a carer or a first responder, without an account. "
        "You choose what is on it; every opening is recorded and you are told about it.",
    ),
    "emergency.what": ("Ce qui figure sur la carte", "What is on the card"),
    "emergency.identity_always": (
        "Le nom et la date de naissance figurent toujours.",
        "Name and date of birth always appear.",
    ),
    "emergency.from_record": ("Depuis le dossier", "From the record"),
    "emergency.free_text": (
        "À compléter (laissez vide pour ne pas l'afficher)",
        "To fill in (leave empty to leave it out)",
    ),
    "emergency.field.blood_group": ("Groupe sanguin", "Blood group"),
    "emergency.field.advance_directives": ("Directives anticipées", "Advance directives"),
    "emergency.field.organ_donation": ("Don d'organes", "Organ donation"),
    "emergency.field.emergency_contacts": (
        "Contacts d'urgence / personne de confiance", "Emergency contacts / trusted person",
    ),
    "emergency.save": ("Enregistrer", "Save"),
    "emergency.save_and_turn_on": ("Enregistrer et activer la carte", "Save and turn the card on"),
    "emergency.saved": ("Carte d'urgence enregistrée.", "Emergency card saved."),
    "emergency.on": ("Carte d'urgence activée : imprimez-la maintenant.", "Emergency card on: print it now."),
    "emergency.off": ("Carte d'urgence désactivée.", "Emergency card turned off."),
    "emergency.status": ("Carte d'urgence", "Emergency card"),
    "emergency.badge_on": ("Active", "On"),
    "emergency.since": ("Active depuis le", "On since"),
    "emergency.is_off": (
        "La carte est désactivée : son lien n'affiche rien.",
        "The card is off: its link shows nothing.",
    ),
    "emergency.qr_once": (
        "Le QR code n'est affiché qu'une fois, à l'activation. Pour l'imprimer à nouveau, "
        "renouvelez-le (l'ancienne carte cessera de fonctionner).",
        "The QR code is shown only once, when the card is turned on. To print it again, "
        "renew it (the old card stops working).",
    ),
    "emergency.renew": ("Renouveler le QR code", "Renew the QR code"),
    "emergency.turn_off": ("Désactiver la carte", "Turn the card off"),
    "emergency.confirm_off_title": ("Désactiver la carte d'urgence ?", "Turn the emergency card off?"),
    "emergency.confirm_off_text": (
        "Le QR code n'affichera plus rien, y compris sur la carte imprimée.",
        "The QR code will show nothing any more, including on the printed card.",
    ),
    "emergency.confirm_renew_title": ("Renouveler le QR code ?", "Renew the QR code?"),
    "emergency.confirm_renew_text": (
        "Un nouveau QR code est créé ; l'ancien (et la carte imprimée) n'affichera plus rien.",
        "A new QR code is made; the old one (and the printed card) will show nothing any more.",
    ),
    "emergency.ready": ("Votre carte d'urgence", "Your emergency card"),
    "emergency.ready_hint": (
        "Imprimez-la (format carte bancaire) et gardez-la dans votre portefeuille. "
        "Ce QR code ne sera plus affiché ensuite.",
        "Print it (credit-card size) and keep it in your wallet. This QR code will not be shown again.",
    ),
    "emergency.wallet_title": ("Carte d'urgence", "Emergency card"),
    "emergency.wallet_scan": ("En cas d'urgence, scannez ce code.", "In an emergency, scan this code."),
    "emergency.print": ("Imprimer la carte", "Print the card"),
    "emergency.visitor_title": ("Carte d'urgence", "Emergency card"),
    "emergency.not_found": ("Carte introuvable.", "Card not found."),
    "emergency.turned_off": ("Cette carte d'urgence a été désactivée.", "This emergency card has been turned off."),
    "emergency.who_are_you": (
        "Avant d'afficher la carte, dites qui vous êtes.",
        "Before the card is shown, say who you are.",
    ),
    "emergency.opener_name": ("Votre nom", "Your name"),
    "emergency.opener_role": ("Votre rôle", "Your role"),
    "emergency.role_hint": ("médecin urgentiste, pompier, infirmier…", "emergency doctor, firefighter, nurse…"),
    "emergency.logged": (
        "Votre nom et votre rôle sont enregistrés et communiqués au patient.",
        "Your name and role are recorded and shown to the patient.",
    ),
    "emergency.show": ("Afficher la carte", "Show the card"),
    "error.emergency_save_first": ("Enregistrez d'abord la carte.", "Save the card first."),
    "reminders.emergency_opened": (
        "{name} : carte d'urgence consultée par {title}", "{name}: emergency card opened by {title}",
    ),
    # --- messages (issue 5c) ---
    "messages.new": ("Nouveau message", "New message"),
    "messages.empty": ("Aucun message pour l'instant.", "No messages yet."),
    "messages.only_professionals_start": (
        "Seuls les professionnels de santé de votre équipe de soins peuvent ouvrir une conversation ; "
        "vous pouvez y répondre.",
        "Only the health professionals of your care team can start a conversation; you can reply to it.",
    ),
    "messages.unread": ("Messages non lus", "Unread messages"),
    "messages.to_patient": ("Patient", "Patient"),
    "messages.subject": ("Objet", "Subject"),
    "messages.body": ("Message", "Message"),
    "messages.limit_hint": ("5 000 caractères au plus.", "5,000 characters at most."),
    "messages.send": ("Envoyer", "Send"),
    "messages.sent": ("Message envoyé.", "Message sent."),
    "messages.reply_hint": ("Votre réponse…", "Your reply…"),
    "messages.attach": ("Joindre un document", "Attach a document"),
    "messages.attachment": ("Document joint", "Attached document"),
    "messages.no_attachment": ("Aucun document", "No document"),
    "messages.attachment_unavailable": ("Pièce jointe non partagée avec vous.", "Attachment not shared with you."),
    "messages.read_only": (
        "Vous pouvez lire cette conversation sans y répondre.",
        "You can read this conversation but not reply.",
    ),
    # --- lab results (issue 12): keys "lab.*", "lab_test.*" go below this line ---
    "section.lab_results": ("Résultats d'analyses", "Lab results"),
    "title.lab_results": ("Résultats d'analyses", "Lab results"),
    "access.target.lab_results": ("les résultats d'analyses", "lab results"),
    "filter.lab_result": ("Résultats d'analyses", "Lab results"),
    "error.lab_unit": ("Cette unité ne convient pas à cette analyse.", "This unit does not fit this test."),
    "error.lab_unknown_test": ("Choisissez l'analyse dans la liste.", "Pick the test from the list."),
    "error.lab_range": (
        "La limite haute est plus basse que la limite basse.",
        "The upper limit is below the lower limit.",
    ),
    "error.lab_issued": (
        "La date du résultat doit suivre le prélèvement et ne pas être dans le futur.",
        "The result date must follow the sample and not be in the future.",
    ),
    "error.lab_no_value": ("Ajoutez au moins une valeur.", "Add at least one value."),
    "error.lab_too_many": ("{max} valeurs au plus par compte rendu.", "At most {max} values per report."),
    "lab.interp.N": ("Normal", "Normal"),
    "lab.interp.H": ("Élevé", "High"),
    "lab.interp.L": ("Bas", "Low"),
    "lab.interp.HH": ("Très élevé", "Very high"),
    "lab.interp.LL": ("Très bas", "Very low"),
    "lab.interp.A": ("Anormal", "Abnormal"),
    "lab.add": ("Ajouter un compte rendu", "Add a report"),
    "lab.new": ("Nouveau compte rendu d'analyses", "New lab report"),
    "lab.empty": ("Aucun résultat d'analyses pour l'instant.", "No lab results yet."),
    "lab.reports": ("Comptes rendus", "Reports"),
    "lab.report": ("Compte rendu d'analyses", "Lab report"),
    "lab.untitled": ("Analyses", "Lab tests"),
    "lab.collected_at": ("Prélèvement", "Sample taken"),
    "lab.issued_at": ("Résultat du", "Issued"),
    "lab.lab_name": ("Laboratoire", "Laboratory"),
    "lab.title_field": ("Titre (facultatif)", "Title (optional)"),
    "lab.range": ("Valeurs de référence", "Reference range"),
    "lab.computed": ("calculé d'après les valeurs de référence", "worked out from the reference range"),
    "lab.pdf": ("Compte rendu (PDF)", "Report (PDF)"),
    "lab.see_trend": ("Évolution", "Trend"),
    "lab.trend": ("Évolution", "Trend"),
    "lab.show_in": ("Afficher en", "Show in"),
    "lab.band": ("Zone de référence", "Reference band"),
    "lab.values": ("Valeurs", "Values"),
    "lab.values_word": ("valeur(s)", "value(s)"),
    "lab.out_of_range_word": ("hors normes", "out of range"),
    "lab.left_out_note": (
        "Des valeurs dans une unité sans conversion ne sont pas sur la courbe.",
        "Values in a unit without a conversion are not on the chart.",
    ),
    "lab.no_trend": ("Aucune valeur chiffrée à tracer.", "No numeric value to chart."),
    "lab.test": ("Analyse", "Test"),
    "lab.search_test": ("Rechercher une analyse (glycémie, créatinine…)", "Search a test (glucose, creatinine…)"),
    "lab.value": ("Résultat", "Result"),
    "lab.unit": ("Unité", "Unit"),
    "lab.low": ("Limite basse", "Lower limit"),
    "lab.high": ("Limite haute", "Upper limit"),
    "lab.add_value": ("Ajouter cette valeur", "Add this value"),
    "lab.remove_value": ("Retirer", "Remove"),
    "lab.values_to_save": ("Valeurs de ce compte rendu", "Values of this report"),
    "lab.no_values_yet": ("Ajoutez une ou plusieurs valeurs ci-dessus.", "Add one or more values above."),
    "lab.pick_test_first": ("Choisissez d'abord l'analyse.", "Pick the test first."),
    "lab.saved": ("Compte rendu enregistré.", "Report saved."),
    "lab.deleted": ("Compte rendu supprimé.", "Report deleted."),
    "lab.delete": ("Supprimer ce compte rendu", "Delete this report"),
    "lab.confirm_delete_title": ("Supprimer ce compte rendu ?", "Delete this report?"),
    "lab.confirm_delete_text": (
        "Le compte rendu et toutes ses valeurs seront supprimés.",
        "The report and all its values will be deleted.",
    ),
    "lab.hide_from_pros": ("Masquer aux professionnels", "Hide from professionals"),
    "lab.back": ("Résultats d'analyses", "Lab results"),
    "lab.more": ("Voir plus", "Show more"),
    "lab.by_tests": ("Par analyse", "By test"),
    "lab.structured_results": ("Résultats structurés", "Structured results"),
    "lab_test.glucose_fasting": ("Glycémie à jeun", "Fasting glucose"),
    "lab_test.hba1c": ("Hémoglobine glyquée (HbA1c)", "Hemoglobin A1c"),
    "lab_test.creatinine": ("Créatinine", "Creatinine"),
    "lab_test.egfr": (
        "Débit de filtration glomérulaire estimé (DFG, CKD-EPI)",
        "Estimated glomerular filtration rate (eGFR, CKD-EPI)",
    ),
    "lab_test.cholesterol_total": ("Cholestérol total", "Total cholesterol"),
    "lab_test.cholesterol_hdl": ("Cholestérol HDL", "HDL cholesterol"),
    "lab_test.cholesterol_ldl": ("Cholestérol LDL (calculé)", "LDL cholesterol (calculated)"),
    "lab_test.triglycerides": ("Triglycérides", "Triglycerides"),
    "lab_test.tsh": ("TSH (thyréostimuline)", "TSH (thyrotropin)"),
    "lab_test.hemoglobin": ("Hémoglobine", "Hemoglobin"),
    "lab_test.leukocytes": ("Leucocytes (globules blancs)", "Leukocytes (white blood cells)"),
    "lab_test.platelets": ("Plaquettes", "Platelets"),
    "lab_test.ferritin": ("Ferritine", "Ferritin"),
    "lab_test.vitamin_d": ("Vitamine D (25-OH)", "25-Hydroxyvitamin D"),
    "lab_test.crp": ("Protéine C réactive (CRP)", "C-reactive protein (CRP)"),
    "lab_test.alat": ("ALAT (transaminases, TGP)", "Alanine aminotransferase (ALT)"),
    "lab_test.asat": ("ASAT (transaminases, TGO)", "Aspartate aminotransferase (AST)"),
    "lab_test.ggt": ("Gamma-GT", "Gamma-glutamyl transferase (GGT)"),
    "lab_test.potassium": ("Potassium (kaliémie)", "Potassium"),
    "lab_test.sodium": ("Sodium (natrémie)", "Sodium"),
    "lab_test.inr": ("INR", "INR"),
    "lab_test.psa": ("PSA (antigène prostatique spécifique)", "Prostate specific antigen (PSA)"),
    "lab_test.reference": ("Valeurs de référence", "Reference range"),
    # --- take-out archive (issue 13, item 2): keys "takeout.*" go below this line ---
    "title.takeout": ("Archive à emporter", "Take-out archive"),
    "section.takeout": ("Archive à emporter (zip)", "Take-out archive (zip)"),
    "access.target.takeout": ("une archive complète du dossier (zip)", "a full archive of the record (zip)"),
    "takeout.open": ("Préparer une archive complète (zip)", "Prepare a full archive (zip)"),
    "takeout.intro": (
        "Un fichier zip avec tout le dossier : le fichier FHIR complet, les documents d'origine, les rendez-vous "
        "(.ics) et une synthèse en PDF à imprimer.",
        "One zip file with the whole record: the complete FHIR file, the original documents, the appointments "
        "(.ics) and a PDF summary you can print.",
    ),
    "takeout.what": ("Que voulez-vous emporter ?", "What do you want to take out?"),
    "takeout.scope.profile": ("Le profil affiché : {name}", "The profile shown: {name}"),
    "takeout.scope.all": ("Tous les profils que je gère ({count})", "Every profile I manage ({count})"),
    "takeout.partial": (
        "Pour un profil partagé avec vous, seules les parties partagées sont incluses.",
        "For a profile shared with you, only the shared parts are included.",
    ),
    "takeout.start": ("Préparer l'archive", "Prepare the archive"),
    "takeout.retry": ("Réessayer", "Try again"),
    "takeout.jobs": ("Mes archives", "My archives"),
    "takeout.none": ("Aucune archive pour l'instant.", "No archive yet."),
    "takeout.no_profile": ("Vous n'avez aucun profil à emporter.", "You have no profile to take out."),
    "takeout.asked_on": ("Demandée le {date}", "Asked on {date}"),
    "takeout.status.queued": ("En attente…", "Waiting…"),
    "takeout.status.running": ("En préparation…", "Being prepared…"),
    "takeout.status.ready": ("Prête", "Ready"),
    "takeout.status.failed": (
        "Échec : la préparation a été interrompue. Vous pouvez réessayer.",
        "Failed: the preparation was interrupted. You can try again.",
    ),
    "takeout.status.expired": ("Expirée, le fichier a été supprimé.", "Expired, the file was deleted."),
    "takeout.download": ("Télécharger le zip", "Download the zip"),
    "takeout.expires": (
        "Disponible jusqu'au {date}, puis supprimée. Vous seul pouvez la télécharger.",
        "Available until {date}, then deleted. Only you can download it.",
    ),
    "takeout.pdf.title": ("Synthèse du dossier de {name}", "Record summary of {name}"),
    "takeout.pdf.made_on": ("Faite le {date} avec MES.", "Made on {date} with MES."),
    "takeout.pdf.partial": (
        "Seules les parties du dossier partagées avec la personne qui l'a demandée figurent ici.",
        "Only the parts of the record shared with the person who asked for it are here.",
    ),
    "takeout.pdf.identity": ("Identité", "Identity"),
    "takeout.pdf.name": ("Nom", "Name"),
    "takeout.pdf.birth_date": ("Date de naissance", "Date of birth"),
    "takeout.pdf.sex": ("Sexe", "Sex"),
    "takeout.pdf.sex.female": ("Féminin", "Female"),
    "takeout.pdf.sex.male": ("Masculin", "Male"),
    "takeout.pdf.sex.other": ("Autre", "Other"),
    "takeout.pdf.allergies": ("Allergies", "Allergies"),
    "takeout.pdf.latest_measures": ("Dernières mesures", "Latest measures"),
    "takeout.pdf.not_shared": ("Non partagé.", "Not shared."),
    "takeout.pdf.none": ("Rien d'enregistré.", "Nothing recorded."),
    "takeout.pdf.status.active": ("en cours", "active"),
    "takeout.pdf.status.resolved": ("guérie", "resolved"),
    "takeout.pdf.status.inactive": ("inactive", "inactive"),
    "takeout.pdf.severity.mild": ("légère", "mild"),
    "takeout.pdf.severity.moderate": ("modérée", "moderate"),
    "takeout.pdf.severity.severe": ("sévère", "severe"),
    "takeout.pdf.since": ("depuis le {date}", "since {date}"),
    "takeout.pdf.until": ("jusqu'au {date}", "until {date}"),
    "takeout.pdf.dose": ("dose {n}", "dose {n}"),
    "takeout.pdf.footer": (
        "Établie à partir des informations saisies dans MES. Elle ne remplace pas l'avis d'un professionnel de santé.",
        "Made from the information entered in MES. It does not replace a health professional's advice.",
    ),
    "takeout.readme.title": ("MES — archive de votre dossier de santé", "MES — archive of your health record"),
    "takeout.readme.made_on": ("Faite le {date}.", "Made on {date}."),
    "takeout.readme.intro": ("Un dossier par profil. Dans chacun :", "One folder per profile. In each:"),
    "takeout.readme.bundle": (
        "tout le dossier au format FHIR R4 (un Bundle JSON), lisible par d'autres logiciels de santé ; "
        "les documents y sont aussi, encodés.",
        "the whole record as FHIR R4 (a JSON Bundle), which other health software can read; "
        "the documents are in it too, encoded.",
    ),
    "takeout.readme.summary": (
        "une synthèse à lire ou imprimer (identité, maladies, allergies, traitements, vaccinations, "
        "dernières mesures).",
        "a summary to read or print (identity, conditions, allergies, treatments, vaccinations, latest measures).",
    ),
    "takeout.readme.calendar": (
        "les rendez-vous, à ouvrir dans un agenda (téléphone, Outlook, Google Agenda).",
        "the appointments, to open in a calendar app (phone, Outlook, Google Calendar).",
    ),
    "takeout.readme.documents": (
        "les documents d'origine, nommés par date et titre.",
        "the original documents, named by date and title.",
    ),
    "takeout.readme.partial": (
        "Profil partagé avec vous : seules les parties partagées sont incluses.",
        "Profile shared with you: only the shared parts are included.",
    ),
    "takeout.readme.care": (
        "Ces fichiers contiennent des données de santé : gardez-les en lieu sûr et supprimez-les quand vous n'en "
        "avez plus besoin.",
        "These files hold health data: keep them somewhere safe and delete them when you no longer need them.",
    ),

    # ------------------------------------------------------------------ closing and deleting (issue 13, item 3)
    "access.action.erase": ("a effacé", "erased"),
    "access.target.profile_closing": ("la fermeture du profil", "closing the profile"),
    "access.target.account": ("le compte", "the account"),
    "closing.mail_subject": ("Un changement dans MES", "A change in MES"),
    "closing.mail_body": (
        "Bonjour,\n\nUn autre responsable a fermé un profil que vous gériez dans MES. "
        "Connectez-vous pour voir ce qui a changé : {login}\n\n"
        "Si vous ne vous attendiez pas à ce changement, parlez-en avec les autres responsables.\n",
        "Hello,\n\nAnother guardian closed a profile you managed in MES. "
        "Sign in to see what changed: {login}\n\n"
        "If you did not expect this change, talk it over with the other guardians.\n",
    ),
    "closing.notice": (
        "Un autre responsable a fermé un profil que vous gériez, le {date}. Il a été effacé de MES.",
        "Another guardian closed a profile you managed, on {date}. It was erased from MES.",
    ),
    "closing.notice_dismiss": ("J'ai compris", "Got it"),
    "closing.wrong_password": ("Mot de passe incorrect : rien n'a été effacé.", "Wrong password: nothing was erased."),
    "closing.own_record_is_account": (
        "Votre propre dossier s'efface avec votre compte : utilisez « Supprimer mon compte ».",
        "Your own record goes with your account: use “Delete my account”.",
    ),
    "closing.close_title": ("Fermer le profil de {name}", "Close {name}'s profile"),
    "closing.close_link": ("Fermer ce profil…", "Close this profile…"),
    "closing.account_title": ("Supprimer mon compte", "Delete my account"),
    "closing.account_link": ("Supprimer mon compte…", "Delete my account…"),
    "closing.intro": (
        "Fermer un profil l'efface de MES pour toujours, avec tout ce qu'il contient. Personne ne pourra le rouvrir.",
        "Closing a profile erases it from MES for ever, with everything in it. Nobody can open it again.",
    ),
    "closing.account_intro": (
        "Supprimer votre compte efface votre dossier et ce qui suit, pour toujours. "
        "Vous ne pourrez plus vous connecter.",
        "Deleting your account erases your record and what follows, for ever. You will not be able to sign in again.",
    ),
    "closing.what_goes": ("Ce qui sera effacé", "What will be erased"),
    "closing.who_loses": ("Qui perd l'accès", "Who loses access"),
    "closing.takeout": ("Avant tout, emportez une copie de vos données", "First, take a copy of your data"),
    "closing.takeout_link": ("Télécharger une copie (FHIR)", "Download a copy (FHIR)"),
    "closing.password": ("Votre mot de passe, pour confirmer", "Your password, to confirm"),
    "closing.password_why": (
        "Demandé parce que rien ne pourra être récupéré ensuite.",
        "Asked because nothing can be recovered afterwards.",
    ),
    "closing.close_button": ("Fermer définitivement le profil", "Close the profile for good"),
    "closing.account_button": ("Supprimer définitivement mon compte", "Delete my account for good"),
    "closing.confirm_title": ("Effacer pour toujours ?", "Erase for ever?"),
    "closing.confirm_text": (
        "Tout ce qui est listé sur cette page sera effacé. Ce n'est pas réversible.",
        "Everything listed on this page will be erased. This cannot be undone.",
    ),
    "closing.confirm_yes": ("Oui, effacer", "Yes, erase"),
    "closing.keep": ("Garder", "Keep"),
    "closing.back": ("Retour", "Back"),
    "closing.count.documents": ("{count} document|{count} documents", "{count} document|{count} documents"),
    "closing.count.measures": ("{count} mesure|{count} mesures", "{count} measure|{count} measures"),
    "closing.count.entries": (
        "{count} entrée du dossier (histoire, maladies, vaccins, rendez-vous…)|"
        "{count} entrées du dossier (histoire, maladies, vaccins, rendez-vous…)",
        "{count} record entry (history, conditions, vaccinations, appointments…)|"
        "{count} record entries (history, conditions, vaccinations, appointments…)",
    ),
    "closing.count.messages": (
        "{count} message ({threads} conversation(s))|{count} messages ({threads} conversation(s))",
        "{count} message ({threads} conversation(s))|{count} messages ({threads} conversation(s))",
    ),
    "closing.count.share_links": (
        "{count} lien de partage en cours|{count} liens de partage en cours",
        "{count} active share link|{count} active share links",
    ),
    "closing.count.emergency_card": ("La carte d'urgence et son lien", "The emergency card and its link"),
    "closing.count.history": ("L'historique des accès du dossier", "The record's access history"),
    "closing.count.nothing": ("Aucune donnée enregistrée à part l'identité du profil.",
                              "No data recorded besides the profile's identity."),
    "closing.loses.guardian": ("{name} (autre responsable : sera prévenu·e)", "{name} (other guardian: will be told)"),
    "closing.loses.professional": ("{name} (équipe de soins)", "{name} (care team)"),
    "closing.loses.caregiver": ("{name} (proche, lecture seule)", "{name} (caregiver, read-only)"),
    "closing.loses.links": ("Toute personne ayant un lien de partage", "Anyone holding a share link"),
    "closing.loses.nobody": ("Personne d'autre n'y avait accès.", "Nobody else had access."),
    "closing.my_record": ("Mon dossier ({name})", "My record ({name})"),
    "closing.children_closed": (
        "Ces profils d'enfants seront aussi fermés : vous en êtes le seul responsable",
        "These children's profiles will be closed too: you are their only guardian",
    ),
    "closing.children_closed_hint": (
        "Pour garder le dossier d'un enfant, invitez d'abord un autre responsable (Profils).",
        "To keep a child's record, first invite another guardian (Profiles).",
    ),
    "closing.children_kept": ("Ces enfants restent avec leur autre responsable",
                              "These children stay with their other guardian"),
    "closing.kept_child": ("{name}, avec {guardians}", "{name}, with {guardians}"),
    "closing.shared_with_me": (
        "Votre accès en lecture à {count} dossier d'un proche prendra fin|"
        "Votre accès en lecture à {count} dossiers de proches prendra fin",
        "Your read access to {count} relative's record ends|Your read access to {count} relatives' records ends",
    ),
    "closing.account_sessions": ("Vos connexions ouvertes, sur tous vos appareils",
                                 "Your open sessions, on every device"),
    "closing.professional_account": (
        "Un compte de professionnel ne se supprime pas ici : ce que vous avez écrit fait partie des dossiers "
        "de vos patients. Contactez l'équipe de MES.",
        "A professional's account is not deleted here: what you wrote is part of your patients' records. "
        "Contact the MES team.",
    ),
    "closing.not_yours": (
        "Seul un responsable de ce profil peut le fermer.",
        "Only a guardian of this profile can close it.",
    ),
    "closing.closed": ("Le profil a été fermé et effacé de MES.", "The profile was closed and erased from MES."),
    "closing.deleted_title": ("Votre compte a été supprimé", "Your account was deleted"),
    "closing.deleted_text": (
        "Votre compte et les dossiers listés ont été effacés de MES. Merci de nous avoir fait confiance.",
        "Your account and the records listed were erased from MES. Thank you for your trust.",
    ),
    "closing.deleted_author": ("Compte supprimé", "Deleted account"),  # a message whose author left MES
    "title.closing": ("Fermer un profil", "Close a profile"),
    "title.account_delete": ("Supprimer mon compte", "Delete my account"),
    "title.account_deleted": ("Compte supprimé", "Account deleted"),

    # --- FHIR API and connected software (issue 12 item 2) ---
    "access.action.api_create": ("a ajouté, par un logiciel connecté, une entrée dans",
                                 "added, through a connected software, an entry to"),
    "reminders.software_entries": ("{name} : {count} entrée(s) ajoutée(s) par le logiciel d'un professionnel",
                                   "{name}: {count} entr(y/ies) added by a professional's software"),
    "error.jwks_invalid": ("Ce jeu de clés (JWKS) n'est pas lisible.", "This key set (JWKS) cannot be read."),
    "error.jwks_private": (
        "Ce jeu de clés contient une clé privée : ne la collez jamais ici. Collez seulement la partie publique.",
        "This key set holds a private key: never paste it here. Paste the public part only.",
    ),
    "error.jwks_kid": ("Chaque clé doit avoir un identifiant « kid » unique.", "Each key needs a unique \"kid\"."),
    "error.jwks_weak": ("Seules les clés RSA d'au moins 2048 bits (RS384) ou EC P-384 (ES384) sont acceptées.",
                        "Only RSA keys of at least 2048 bits (RS384) or EC P-384 keys (ES384) are accepted."),
    "error.software_limit": ("Vous avez déjà {max} logiciels connectés.", "You already have {max} connected software."),
    "software.title": ("Logiciels connectés", "Connected software"),
    "title.connected_software": ("Logiciels connectés", "Connected software"),
    "software.home_link": ("Connecter un logiciel de soins", "Connect a care software"),
    "software.intro": (
        "Votre logiciel de soins peut déposer dans le dossier de vos patients (API FHIR, SMART Backend Services). "
        "Il agit en votre nom : vos patients voient « via » son nom, et peuvent vous retirer de leur équipe.",
        "Your care software can add to your patients' records (FHIR API, SMART Backend Services). "
        "It acts on your behalf: your patients see \"via\" its name, and can remove you from their team.",
    ),
    "software.name": ("Nom du logiciel", "Software name"),
    "software.jwks": ("Clés publiques (JWKS)", "Public keys (JWKS)"),
    "software.jwks_hint": ("RSA ≥ 2048 bits ou EC P-384, partie publique seulement.",
                           "RSA ≥ 2048 bits or EC P-384, public part only."),
    "software.add": ("Connecter un logiciel", "Connect a software"),
    "software.added": ("Logiciel connecté. Donnez-lui son client_id.", "Software connected. Give it its client_id."),
    "software.client_id": ("client_id", "client_id"),
    "software.empty": ("Aucun logiciel connecté.", "No connected software."),
    "software.revoke": ("Révoquer", "Revoke"),
    "software.revoke_title": ("Révoquer ce logiciel ?", "Revoke this software?"),
    "software.revoke_body": ("Il ne pourra plus rien déposer, dès sa prochaine requête.",
                             "It will not be able to add anything, from its very next request."),
    "software.revoked": ("Logiciel révoqué.", "Software revoked."),
    "software.keys": ("clé(s)", "key(s)"),
    "software.last_used": ("Dernier usage", "Last used"),
    "software.never_used": ("Jamais utilisé", "Never used"),
    "software.token_url": ("Adresse du jeton", "Token endpoint"),
    "software.fhir_url": ("Adresse FHIR", "FHIR base URL"),
    "record.via": ("via", "via"),

    # ------------------------------------------------------------------ FHIR file import (issue 12 item 3)
    "error.fhir_import_not_json": ("Ce fichier n'est pas un fichier FHIR au format JSON. Rien n'a été importé.",
                                   "This file is not a FHIR JSON file. Nothing was imported."),
    "error.fhir_import_not_fhir": ("Ce fichier JSON n'est pas un Bundle ni une ressource FHIR. Rien n'a été importé.",
                                   "This JSON file is not a FHIR Bundle or resource. Nothing was imported."),
    "error.fhir_import_empty": ("Le fichier est vide. Rien n'a été importé.",
                                "The file is empty. Nothing was imported."),
    "error.fhir_import_too_large": ("Le fichier dépasse {max} Mo. Rien n'a été importé.",
                                    "The file is over {max} MB. Nothing was imported."),
    "error.fhir_import_too_many": ("Le fichier contient plus de {max} entrées. Rien n'a été importé.",
                                   "The file has more than {max} entries. Nothing was imported."),
    "error.fhir_import_refused": ("Une entrée du fichier a été refusée : rien n'a été importé.",
                                  "An entry of the file was refused: nothing was imported."),
    "fhir_import.title": ("Importer un fichier FHIR", "Import a FHIR file"),
    "fhir_import.intro": ("Un fichier exporté d'un autre carnet de santé ou d'un portail hospitalier (JSON FHIR : "
                          "synthèse IPS, Bundle ou ressource). Vous verrez d'abord ce qui sera ajouté.",
                          "A file exported from another health record or a hospital portal (FHIR JSON: IPS summary, "
                          "Bundle or resource). You will first see what will be added."),
    "fhir_import.choose": ("Choisir un fichier .json", "Choose a .json file"),
    "fhir_import.check": ("Voir ce qui sera importé", "See what will be imported"),
    "fhir_import.no_file": ("Choisissez d'abord un fichier .json.", "Choose a .json file first."),
    "fhir_import.not_allowed": ("Seuls le patient ou un parent peuvent importer un fichier dans ce dossier.",
                                "Only the patient or a parent may import a file into this record."),
    "fhir_import.open": ("Importer un fichier FHIR", "Import a FHIR file"),
    "fhir_import.checking": ("Lecture du fichier…", "Reading the file…"),
    "fhir_import.source": ("Provenance", "Source"),
    "fhir_import.will_add": ("Sera ajouté", "Will be added"),
    "fhir_import.will_skip": ("Sera ignoré", "Will be skipped"),
    "fhir_import.nothing_to_add": ("Rien à ajouter depuis ce fichier.", "Nothing to add from this file."),
    "fhir_import.confirm": ("Importer", "Import"),
    "fhir_import.done": ("{count} entrée importée.|{count} entrées importées.",
                         "{count} entry imported.|{count} entries imported."),
    "fhir_import.imported_from": ("importé de", "imported from"),
    "fhir_import.entry": ("entrée {index}", "entry {index}"),
    "fhir_import.skip.context": ("décrit le document (patient, auteur, sommaire)",
                                 "describes the document (patient, author, table of contents)"),
    "fhir_import.skip.unknown_type": ("type de ressource inconnu", "unknown resource type"),
    "fhir_import.skip.unknown_system": ("système de codes inconnu", "unknown code system"),
    "fhir_import.skip.invalid": ("ressource incomplète ou invalide", "incomplete or invalid resource"),
    "fhir_import.skip.not_supported": ("pas encore pris en charge", "not supported yet"),
    "fhir_import.skip.missing_results": ("ses résultats d'analyse ne sont pas dans le fichier",
                                         "its lab results are not in the file"),
    "fhir_import.skip.duplicate": ("déjà importé", "already imported"),
    "fhir_import.skip.not_allowed": ("vous ne pouvez pas ajouter dans cette rubrique",
                                     "you may not add to this section"),

    # ------------------------------------------------------------------ teen (issue 13 item 4):
    # a teenager's own record: entries kept from legal representatives, the hand-over at 18
    "access.action.handed_over": ("a cessé de gérer", "stopped managing"),
    "access.target.guardianship": ("le profil (remis à son titulaire à sa majorité)",
                                   "the profile (handed over to its holder at 18)"),
    "access.target.majority_invitation": ("une invitation à reprendre son dossier à sa majorité",
                                          "an invitation to take over their record at 18"),
    "teen.secret_label": ("Invisible aux représentants légaux", "Invisible to legal representatives"),
    "teen.secret_hint": (
        "À la demande du mineur (art. L.1111-5 du code de la santé publique) : ses parents, et ceux qu'ils ont "
        "désignés, ne le verront nulle part.",
        "At the minor's request (French public health code, L.1111-5): their parents, and whoever they "
        "appointed, will not see it anywhere.",
    ),
    "error.majority_not_yet": ("Le profil ne peut être remis à son titulaire qu'à partir de ses 18 ans.",
                               "The profile can be handed over to its holder only from their 18th birthday."),
    "error.majority_guardian_address": ("Cette adresse est celle d'un responsable du profil.",
                                        "This address belongs to one of the profile's guardians."),
    "majority.title": ("Dossier à la majorité", "Record at 18"),
    "title.majority": ("Dossier à la majorité", "Record at 18"),
    "majority.give_title": ("Remettre son dossier à la majorité", "Hand the record over at 18"),
    "majority.give_intro": (
        "À 18 ans, la personne reprend son dossier dans son propre compte. Indiquez son adresse e-mail : elle "
        "recevra un lien. Elle choisira ce que vous continuez de voir — rien, par défaut.",
        "At 18, the person takes their record into their own account. Give their e-mail address: they will get "
        "a link. They will choose what you keep seeing — nothing, by default.",
    ),
    "majority.not_yet": (
        "La remise du dossier à son titulaire est possible à partir de ses 18 ans, par l'un de ses responsables.",
        "The record can be handed over to its holder from their 18th birthday, by one of their guardians.",
    ),
    "majority.sent": (
        "C'est envoyé : si l'adresse est la bonne, la personne recevra le lien par e-mail (valable 14 jours).",
        "Sent: if the address is right, the person will get the link by e-mail (valid 14 days).",
    ),
    "majority.pending_line": ("En attente : {email} (jusqu'au {until})", "Pending: {email} (until {until})"),
    "majority.confirm_cancel": ("Le lien envoyé ne fonctionnera plus.", "The link sent will no longer work."),
    "majority.take_title": ("Votre dossier vous attend", "Your record is waiting for you"),
    "majority.offer": ("{who} vous remet le dossier de {name}.", "{who} hands you {name}'s record."),
    "majority.keep_intro": (
        "Le dossier devient le vôtre : vous le verrez en entier. Cochez ce que chacun de vos anciens responsables "
        "continue de voir (en lecture seule). Rien n'est coché : ils ne verront plus rien.",
        "The record becomes yours: you will see all of it. Tick what each of your former guardians keeps seeing "
        "(read-only). Nothing is ticked: they will see nothing more.",
    ),
    "majority.keep_for": ("Ce que voit encore", "What is still seen by"),
    "majority.documents_later": (
        "Les documents se partagent ensuite un par un, depuis la page Documents.",
        "Documents are then shared one by one, from the Documents page.",
    ),
    "majority.accept": ("Reprendre mon dossier", "Take my record"),
    "majority.accepted": ("Le dossier est à vous.", "The record is yours."),
    "majority.done": (
        "Le dossier est à vous. Vos anciens responsables ne voient plus que ce que vous avez choisi.",
        "The record is yours. Your former guardians now see only what you chose.",
    ),
    "majority.login_first": (
        "Connectez-vous (ou créez un compte) avec l'adresse qui a reçu l'invitation, puis rouvrez le lien.",
        "Log in (or create an account) with the address that received the invitation, then open the link again.",
    ),
    "majority.register": ("Créer un compte", "Create an account"),
    "majority.link_invalid": (
        "Ce lien ne fonctionne pas pour ce compte : il a déjà servi, a été annulé ou a expiré, ou il a été envoyé "
        "à une autre adresse.",
        "This link does not work for this account: it was used, cancelled or has expired, or it was sent to "
        "another address.",
    ),
    "majority.mail_subject": ("Votre dossier santé MES vous attend", "Your MES health record is waiting for you"),
    "majority.mail_body": (
        "Bonjour,\n\n{inviter} vous propose de reprendre votre dossier santé dans votre propre compte MES, "
        "maintenant que vous êtes majeur(e). Connectez-vous (ou créez un compte) avec cette adresse, "
        "puis ouvrez ce lien dans les {days} jours :\n\n{link}\n\nVous choisirez ce que vos anciens "
        "responsables continuent de voir. Si ce message ne vous concerne pas, ignorez-le.",
        "Hello,\n\n{inviter} offers you to take your health record into your own MES account, now that "
        "you are an adult. Log in (or create an account) with this address, then open this link within "
        "{days} days:\n\n{link}\n\nYou will choose what your former guardians keep seeing. If this "
        "message is not for you, ignore it.",
    ),
    # ------------------------------------------------------------------ account security (issue 15, item 3)
    "title.security": ("Sécurité du compte", "Account security"),
    "title.login_code": ("Code de connexion", "Sign-in code"),
    "nav.security": ("Sécurité du compte", "Account security"),
    "security.title": ("Sécurité du compte", "Account security"),
    "security.tf_title": ("Connexion en deux étapes", "Two-step sign-in"),
    "security.tf_intro": (
        "Après votre mot de passe, MES vous demande un code à 6 chiffres donné par une application "
        "d'authentification sur votre téléphone (par exemple FreeOTP, Aegis, Google Authenticator).",
        "After your password, MES asks for a 6-digit code from an authenticator app on your phone "
        "(for example FreeOTP, Aegis, Google Authenticator).",
    ),
    "security.tf_on": ("La connexion en deux étapes est activée.", "Two-step sign-in is on."),
    "security.tf_off": ("La connexion en deux étapes est désactivée.", "Two-step sign-in is off."),
    "security.tf_required": (
        "Votre compte de professionnel de santé doit utiliser la connexion en deux étapes : "
        "activez-la pour continuer.",
        "Your health professional account must use two-step sign-in: turn it on to continue.",
    ),
    "security.tf_start": ("Activer la connexion en deux étapes", "Turn on two-step sign-in"),
    "security.tf_scan": (
        "Scannez ce code QR avec votre application, ou saisissez-y la clé ci-dessous, puis tapez le "
        "premier code qu'elle affiche.",
        "Scan this QR code with your app, or type the key below into it, then enter the first code it shows.",
    ),
    "security.tf_qr_alt": ("Code QR à scanner avec l'application", "QR code to scan with the app"),
    "security.tf_key": ("Clé", "Key"),
    "security.tf_code": ("Code à 6 chiffres", "6-digit code"),
    "security.tf_confirm": ("Confirmer et activer", "Confirm and turn on"),
    "security.tf_cancel": ("Annuler", "Cancel"),
    "security.recovery_title": ("Vos codes de secours", "Your recovery codes"),
    "security.recovery_text": (
        "Notez ou imprimez ces codes maintenant : ils ne seront plus affichés. Chacun permet une "
        "connexion si vous n'avez plus votre téléphone.",
        "Write down or print these codes now: they will not be shown again. Each lets you sign in "
        "once if you no longer have your phone.",
    ),
    "security.recovery_done": ("J'ai noté mes codes", "I have written my codes down"),
    "security.recovery_left": ("Codes de secours restants : {count}", "Recovery codes left: {count}"),
    "security.tf_disable_title": ("Désactiver la connexion en deux étapes", "Turn off two-step sign-in"),
    "security.tf_disable_text": (
        "Votre mot de passe et un code (de l'application ou de secours) sont demandés.",
        "Your password and a code (from the app or a recovery code) are needed.",
    ),
    "security.password": ("Mot de passe", "Password"),
    "security.code_or_recovery": ("Code ou code de secours", "Code or recovery code"),
    "security.tf_disable": ("Désactiver", "Turn off"),
    "security.tf_disabled": ("La connexion en deux étapes est désactivée.", "Two-step sign-in is now off."),
    "security.tf_enabled": ("La connexion en deux étapes est activée.", "Two-step sign-in is now on."),
    "security.sessions_title": ("Vos sessions ouvertes", "Your open sessions"),
    "security.sessions_empty": ("Aucune autre session ouverte.", "No other open session."),
    "security.session_current": ("Cet appareil", "This device"),
    "security.session_unknown_device": ("Appareil inconnu", "Unknown device"),
    "security.session_created": ("Connecté le {when}", "Signed in {when}"),
    "security.session_seen": ("Dernière activité {when}", "Last active {when}"),
    "security.session_end": ("Déconnecter", "Log out"),
    "security.session_ended": ("Cette session est fermée.", "That session is logged out."),
    "security.logout_all": ("Se déconnecter partout", "Log out everywhere"),
    "security.logout_all_title": ("Se déconnecter de tous les appareils ?", "Log out of every device?"),
    "security.logout_all_text": (
        "Toutes vos sessions, celle-ci comprise, seront fermées. Il faudra vous reconnecter.",
        "All your sessions, this one included, will end. You will have to log in again.",
    ),
    "security.keep": ("Rester connecté", "Stay logged in"),
    "login.code_title": ("Code de connexion", "Sign-in code"),
    "login.code_text": (
        "Tapez le code à 6 chiffres de votre application d'authentification, ou un code de secours.",
        "Enter the 6-digit code from your authenticator app, or a recovery code.",
    ),
    "login.code": ("Code", "Code"),
    "login.code_submit": ("Valider", "Confirm"),
    "login.code_restart": ("Recommencer la connexion", "Start signing in again"),
    "error.second_factor_wrong": ("Code incorrect ou déjà utilisé.", "Wrong or already used code."),
    "error.second_factor_expired": (
        "L'étape du code a expiré : reconnectez-vous.", "The code step has expired: please log in again."),
    "error.second_factor_on": ("La connexion en deux étapes est déjà activée.", "Two-step sign-in is already on."),
    "error.second_factor_not_started": (
        "Commencez par activer la connexion en deux étapes.", "Start by turning on two-step sign-in."),
    "error.second_factor_required": (
        "Votre compte doit garder la connexion en deux étapes.", "Your account must keep two-step sign-in."),
    # ------------------------------------------------------------------ operator console and professionals
    # (issue 15 item 1): keys "operator.*", "pro.*" go below this line
    "title.operator": ("Console de l'opérateur", "Operator console"),
    "title.operator_accounts": ("Comptes", "Accounts"),
    "nav.console": ("Console", "Console"),
    "nav.professionals": ("Professionnels", "Professionals"),
    "nav.accounts": ("Comptes", "Accounts"),
    "nav.stats": ("Statistiques", "Statistics"),
    "operator.home_intro": (
        "Vous faites fonctionner MES pour ses utilisateurs. Vous ne voyez aucune donnée de santé : ni dossier, ni "
        "document, ni mesure.",
        "You run MES for its users. You see no health data: no record, no document, no measure.",
    ),
    "operator.card.professionals": ("Professionnels de santé", "Health professionals"),
    "operator.card.professionals_text": (
        "{count} demande à examiner|{count} demandes à examiner", "{count} application to review|{count} applications "
        "to review"),
    "operator.card.accounts": ("Comptes", "Accounts"),
    "operator.card.accounts_text": (
        "Trouver un compte par son e-mail, le verrouiller, fermer ses sessions.",
        "Find an account by its e-mail, lock it, end its sessions."),
    "operator.card.locked": ("{count} compte verrouillé|{count} comptes verrouillés",
                             "{count} account locked|{count} accounts locked"),
    "operator.card.stats": ("Statistiques", "Statistics"),
    "operator.card.stats_text": (
        "Usage du service, agrégé et anonyme, par semaine ou par mois.",
        "Use of the service, aggregated and anonymous, by week or month."),
    "operator.card.audit": ("Journal des actions (CSV)", "Actions log (CSV)"),
    "operator.card.audit_text": (
        "Toutes les décisions des opérateurs : qui, quoi, quand. Le téléchargement est lui aussi enregistré.",
        "Every operator decision: who, what, when. The download is recorded too."),
    "operator.recent_title": ("Dernières actions", "Latest actions"),
    "operator.recent_empty": ("Aucune action pour l'instant.", "No action yet."),
    "operator.log.command_line": ("ligne de commande", "command line"),
    "operator.log.operator_add": ("Opérateur ajouté", "Operator added"),
    "operator.log.professional_verify": ("Professionnel validé", "Professional verified"),
    "operator.log.professional_refuse": ("Demande refusée", "Application refused"),
    "operator.log.professional_suspend": ("Professionnel suspendu", "Professional suspended"),
    "operator.log.professional_reactivate": ("Professionnel réactivé", "Professional reactivated"),
    "operator.log.account_lock": ("Compte verrouillé", "Account locked"),
    "operator.log.account_unlock": ("Compte déverrouillé", "Account unlocked"),
    "operator.log.account_end_sessions": ("Sessions fermées", "Sessions ended"),
    "operator.log.audit_export": ("Journal téléchargé", "Log downloaded"),
    "operator.role.patient": ("Patient ou proche", "Patient or relative"),
    "operator.role.professional": ("Professionnel de santé", "Health professional"),
    "operator.role.operator": ("Opérateur", "Operator"),
    "operator.account.activated": ("Activé", "Activated"),
    "operator.account.pending": ("En attente d'activation", "Waiting for activation"),
    "operator.account.locked": ("Verrouillé par un opérateur", "Locked by an operator"),
    "operator.account.2fa_on": ("Connexion en deux étapes activée", "Two-step sign-in on"),
    "operator.account.2fa_off": ("Connexion en deux étapes désactivée", "Two-step sign-in off"),
    "operator.account.sessions": ("{count} session ouverte|{count} sessions ouvertes",
                                  "{count} open session|{count} open sessions"),
    "operator.account.created": ("Créé le", "Created on"),
    "operator.account.last_activity": ("Dernière activité", "Last activity"),
    "operator.accounts_intro": (
        "Cherchez un compte par son adresse e-mail exacte. Vous voyez le compte, jamais son dossier.",
        "Look an account up by its exact e-mail address. You see the account, never its record."),
    "operator.accounts.email": ("Adresse e-mail du compte", "The account's e-mail address"),
    "operator.accounts.search": ("Chercher", "Search"),
    "operator.accounts.email_needed": ("Saisissez une adresse e-mail.", "Type an e-mail address."),
    "operator.accounts.none": ("Aucun compte n'a l'adresse {email}.", "No account has the address {email}."),
    "operator.accounts.gone": ("Ce compte n'existe plus.", "This account no longer exists."),
    "operator.accounts.lock": ("Verrouiller", "Lock"),
    "operator.accounts.unlock": ("Déverrouiller", "Unlock"),
    "operator.accounts.end_sessions": ("Fermer ses sessions", "End its sessions"),
    "operator.accounts.lock_title": ("Verrouiller le compte {email} ?", "Lock the account {email}?"),
    "operator.accounts.lock_text": (
        "Ses sessions sont fermées tout de suite et personne ne peut plus s'y connecter jusqu'au déverrouillage. "
        "Son dossier n'est pas touché.",
        "Its sessions end at once and nobody can sign in to it until it is unlocked. Its record is not touched."),
    "operator.accounts.unlock_title": ("Déverrouiller le compte {email} ?", "Unlock the account {email}?"),
    "operator.accounts.unlock_text": (
        "La personne pourra de nouveau se connecter avec son mot de passe.",
        "The person will be able to sign in again with their password."),
    "operator.accounts.end_sessions_title": ("Fermer les sessions de {email} ?", "End the sessions of {email}?"),
    "operator.accounts.end_sessions_text": (
        "Tous ses appareils sont déconnectés. La personne peut se reconnecter.",
        "All its devices are signed out. The person can sign in again."),
    "operator.accounts.lock_done": ("Le compte {email} est verrouillé.", "The account {email} is locked."),
    "operator.accounts.unlock_done": ("Le compte {email} est déverrouillé.", "The account {email} is unlocked."),
    "operator.accounts.end_sessions_done": ("Les sessions de {email} sont fermées.",
                                            "The sessions of {email} have ended."),
    "error.operator_cannot_lock_operator": (
        "Un opérateur ne peut pas verrouiller un compte d'opérateur.", "An operator cannot lock an operator account."),
    "title.professional_apply": ("Rejoindre MES comme professionnel", "Join MES as a professional"),
    "title.operator_professionals": ("Professionnels de santé", "Health professionals"),
    "pro.apply_link": ("Vous êtes professionnel de santé ?", "Are you a health professional?"),
    "pro.apply_link_text": (
        "Demandez à rejoindre MES avec votre numéro RPPS : vos patients pourront vous ajouter à leur équipe de soins.",
        "Apply to join MES with your RPPS number: your patients will be able to add you to their care team.",
    ),
    "pro.apply_intro": (
        "Un opérateur de MES vérifie votre numéro RPPS dans l'annuaire santé avant d'ouvrir votre compte "
        "professionnel. Jusque-là, aucun patient ne peut vous ajouter à son équipe de soins.",
        "An MES operator checks your RPPS number in the health directory before opening your professional "
        "account. Until then, no patient can add you to their care team.",
    ),
    "pro.field.display_name": ("Nom affiché aux patients", "Name shown to patients"),
    "pro.field.profession": ("Profession", "Profession"),
    "pro.field.rpps": ("Numéro RPPS (11 chiffres)", "RPPS number (11 digits)"),
    "pro.field.workplace": ("Lieu d'exercice", "Place of practice"),
    "pro.field.workplace_hint": ("Ex. : Cabinet du Port, Lorient", "E.g. Cabinet du Port, Lorient"),
    "pro.submit": ("Envoyer ma demande", "Send my application"),
    "pro.applied_info": ("Demande envoyée. Un opérateur va la vérifier.",
                         "Application sent. An operator will check it."),
    "pro.your_application": ("Votre demande", "Your application"),
    "pro.status.applied": ("En cours d'examen", "Under review"),
    "pro.status.verified": ("Vérifié", "Verified"),
    "pro.status.refused": ("Refusée", "Refused"),
    "pro.status.suspended": ("Suspendu", "Suspended"),
    "pro.status_text.applied": (
        "Votre demande est en cours d'examen par un opérateur de MES.",
        "Your application is under review by an MES operator.",
    ),
    "pro.status_text.verified": (
        "Votre compte professionnel est vérifié : vos patients peuvent vous ajouter à leur équipe de soins.",
        "Your professional account is verified: your patients can add you to their care team.",
    ),
    "pro.status_text.refused": (
        "Votre demande a été refusée. Vérifiez votre numéro RPPS et faites une nouvelle demande si besoin.",
        "Your application was refused. Check your RPPS number and apply again if needed.",
    ),
    "pro.status_text.suspended": (
        "Votre compte professionnel est suspendu : vous n'avez plus accès aux dossiers de vos patients. "
        "Écrivez à l'équipe qui gère MES.",
        "Your professional account is suspended: you no longer have access to your patients' records. "
        "Write to the team running MES.",
    ),
    "pro.cannot_apply": ("Ce compte ne peut pas faire de demande.", "This account cannot apply."),
    "pro.back_to_account": ("Retour à la sécurité du compte", "Back to account security"),
    "operator.back": ("Retour à la console", "Back to the console"),
    "operator.not_found": ("Cette page n'existe pas.", "This page does not exist."),
    "operator.pending_title": ("Demandes à examiner", "Applications to review"),
    "operator.pending_empty": ("Aucune demande en attente.", "No application waiting."),
    "operator.members_title": ("Professionnels vérifiés ou suspendus", "Verified or suspended professionals"),
    "operator.members_empty": ("Aucun professionnel vérifié pour l'instant.", "No verified professional yet."),
    "operator.rpps_hint": ("Vérifiez le numéro RPPS dans l'annuaire santé (annuaire.sante.fr) avant de valider.",
                           "Check the RPPS number in the health directory (annuaire.sante.fr) before verifying."),
    "operator.decided_on": ("Dernière décision le {date}", "Last decision on {date}"),
    "operator.rpps": ("RPPS {rpps}", "RPPS {rpps}"),
    "operator.verify": ("Valider", "Verify"),
    "operator.refuse": ("Refuser", "Refuse"),
    "operator.suspend": ("Suspendre", "Suspend"),
    "operator.reactivate": ("Réactiver", "Reactivate"),
    "operator.keep": ("Annuler", "Cancel"),
    "operator.verify_title": ("Valider {name} ?", "Verify {name}?"),
    "operator.verify_text": (
        "RPPS {rpps}. Ses patients pourront l'ajouter à leur équipe de soins.",
        "RPPS {rpps}. Their patients will be able to add them to their care team.",
    ),
    "operator.refuse_title": ("Refuser la demande de {name} ?", "Refuse {name}'s application?"),
    "operator.refuse_text": ("RPPS {rpps}. La personne pourra refaire une demande.",
                             "RPPS {rpps}. They may apply again."),
    "operator.suspend_title": ("Suspendre {name} ?", "Suspend {name}?"),
    "operator.suspend_text": (
        "RPPS {rpps}. Son accès à tous les dossiers de ses patients s'arrête tout de suite, et ses sessions "
        "ouvertes sont fermées.",
        "RPPS {rpps}. Their access to all their patients' records stops at once, and their open sessions are "
        "closed.",
    ),
    "operator.reactivate_title": ("Réactiver {name} ?", "Reactivate {name}?"),
    "operator.reactivate_text": (
        "RPPS {rpps}. Les équipes de soins qui l'ont gardé lui rouvrent leurs dossiers.",
        "RPPS {rpps}. The care teams that kept them open their records to them again.",
    ),
    "operator.verify_done": ("{name} est vérifié.", "{name} is verified."),
    "operator.refuse_done": ("La demande de {name} est refusée.", "{name}'s application is refused."),
    "operator.suspend_done": ("{name} est suspendu.", "{name} is suspended."),
    "operator.reactivate_done": ("{name} est réactivé.", "{name} is reactivated."),
    "pro.profession.medecin": ("Médecin", "Physician"),
    "pro.profession.infirmier": ("Infirmier ou infirmière", "Nurse"),
    "pro.profession.pharmacien": ("Pharmacien ou pharmacienne", "Pharmacist"),
    "pro.profession.sage_femme": ("Sage-femme", "Midwife"),
    "pro.profession.kinesitherapeute": ("Masseur-kinésithérapeute", "Physiotherapist"),
    "pro.profession.chirurgien_dentiste": ("Chirurgien-dentiste", "Dentist"),
    "error.rpps_taken": (
        "Ce numéro RPPS est déjà celui d'un autre compte. S'il est le vôtre, écrivez à l'équipe qui gère MES.",
        "This RPPS number is already another account's. If it is yours, write to the team running MES.",
    ),
    "error.pro_cannot_apply": (
        "Ce compte ne peut pas faire de demande : elle est déjà faite, ou c'est un compte professionnel ou "
        "d'opérateur.",
        "This account cannot apply: it already did, or it is a professional or operator account.",
    ),
    "error.pro_wrong_status": (
        "Impossible dans l'état actuel du compte ({status}) : la page a peut-être changé entre-temps.",
        "Not possible in the account's current status ({status}): the page may have changed meanwhile.",
    ),
    "error.invalid_rpps": (
        "Numéro RPPS invalide : 11 chiffres, le dernier est une clé de contrôle. Vérifiez-le sur votre carte CPS.",
        "Invalid RPPS number: 11 digits, the last one a check digit. Check it on your CPS card.",
    ),
    # ------------------------------------------------------------------ statistics (issue 15 item 1):
    # keys "stats.*" go below this line
    "title.operator_stats": ("Statistiques", "Statistics"),
    "error.stats_period": ("Période inconnue : semaine ou mois.", "Unknown period: week or month."),
    "stats.intro": ("Chiffres agrégés et anonymes du service : uniquement des comptes, jamais de données de santé.",
                    "Aggregate, anonymous figures of the service: only counts, never health data."),
    "stats.definition": (
        "Engagé : au moins une action dans les {days} derniers jours (une session ouverte ou utilisée, ou un accès "
        "à un dossier). Les nombres inférieurs à {threshold} ne sont jamais affichés (« < 10 »), ni les parts "
        "calculées à partir d'eux.",
        "Engaged: at least one action in the last {days} days (a session opened or used, or an access to a "
        "record). Counts under {threshold} are never shown (\"< 10\"), nor shares computed from them.",
    ),
    "stats.accounts_created": ("Comptes créés", "Accounts created"),
    "stats.accounts_activated": ("Comptes activés", "Accounts activated"),
    "stats.accounts_engaged": ("Comptes engagés", "Accounts engaged"),
    "stats.children": ("Profils d'enfants", "Children's profiles"),
    "stats.professionals_verified": ("Professionnels vérifiés", "Verified professionals"),
    "stats.professionals_active": ("Professionnels actifs", "Active professionals"),
    "stats.documents_by_professionals": ("Documents déposés par des professionnels",
                                         "Documents added by professionals"),
    "stats.documents_by_patients": ("Documents déposés par des patients", "Documents added by patients"),
    "stats.share_links_in_use": ("Liens de partage en cours", "Share links in use"),
    "stats.emergency_cards_in_use": ("Cartes d'urgence en service", "Emergency cards in use"),
    "stats.engaged_share": ("Part des comptes activés engagés : {value}",
                            "Share of activated accounts engaged: {value}"),
    "stats.professionals_share": ("Part des professionnels vérifiés actifs : {value}",
                                  "Share of verified professionals active: {value}"),
    "stats.share_hidden": ("masquée (calculée sur moins de 10)", "hidden (computed from under 10)"),
    "stats.over_time": ("Au fil du temps", "Over time"),
    "stats.weeks": ("Semaines", "Weeks"),
    "stats.months": ("Mois", "Months"),
    "stats.download_csv": ("Télécharger en CSV", "Download as CSV"),
    "stats.back": ("Console d'exploitation", "Operator console"),
    # ------------------------------------------------------------------ notifications (issue 15 item 2):
    # keys "notify.*" go below this line
    "title.notifications": ("Notifications", "Notifications"),
    "notify.mail_subject": ("Du nouveau dans MES", "Something new in MES"),
    "notify.mail_body": (
        "Bonjour,\n\nIl y a du nouveau pour vous dans MES. Connectez-vous pour le voir :\n{link}\n\n"
        "Pour choisir les e-mails que vous recevez : {settings}\n",
        "Hello,\n\nThere is something new for you in MES. Log in to see it:\n{link}\n\n"
        "To choose which e-mails you get: {settings}\n",
    ),
    "notify.mail_digest_body": (
        "Bonjour,\n\nCette semaine, il y a eu {count} nouveautés pour vous dans MES. Connectez-vous pour les voir :"
        "\n{link}\n\nPour choisir les e-mails que vous recevez : {settings}\n",
        "Hello,\n\nThis week there were {count} new things for you in MES. Log in to see them:\n{link}\n\n"
        "To choose which e-mails you get: {settings}\n",
    ),
    "notify.error_kind": ("Type de notification inconnu.", "Unknown kind of notification."),
    "notify.error_cadence": ("Fréquence inconnue.", "Unknown frequency."),
    "notify.error_enabled": ("Choix invalide.", "Invalid choice."),
    "notify.intro": (
        "MES vous écrit quand il y a du nouveau. L'e-mail ne dit jamais quoi : il vous invite à vous connecter.",
        "MES writes to you when there is something new. The e-mail never says what: it asks you to log in.",
    ),
    "notify.kind_document": ("Nouveau document", "New document"),
    "notify.hint_document": ("Déposé par quelqu'un d'autre que vous", "Deposited by someone other than you"),
    "notify.kind_message": ("Message d'un professionnel", "Message from a professional"),
    "notify.hint_message": ("Un professionnel de santé vous a écrit", "A health professional wrote to you"),
    "notify.kind_first_access": ("Premier accès d'un professionnel", "A professional's first access"),
    "notify.hint_first_access": ("Un professionnel ouvre le dossier pour la première fois",
                                 "A professional opens the record for the first time"),
    "notify.kind_emergency": ("Carte d'urgence consultée", "Emergency card opened"),
    "notify.hint_emergency": ("Quelqu'un a ouvert la carte d'urgence", "Someone opened the emergency card"),
    "notify.kind_appointment": ("Rendez-vous demain", "Appointment tomorrow"),
    "notify.hint_appointment": ("La veille d'un rendez-vous", "The day before an appointment"),
    "notify.kind_vaccination": ("Vaccin bientôt dû", "Vaccination coming due"),
    "notify.hint_vaccination": ("Une semaine avant l'âge recommandé", "A week before the recommended age"),
    "notify.on": ("Recevoir", "Receive"),
    "notify.immediate": ("Tout de suite", "At once"),
    "notify.weekly": ("Résumé le lundi", "Monday digest"),
    "notify.saved": ("Choix enregistré", "Choice saved"),
    "notify.link": ("Notifications par e-mail", "E-mail notifications"),
}


def plural_form(text: str, count: object, lang: str) -> str:
    """``"singular|plural"`` → the form for ``count``, by CLDR's plural rules (through Babel:
    French 0 and 1 are singular, English only 1). A text without ``|`` is returned as is."""
    if "|" not in text:
        return text
    one, _, other = text.partition("|")
    return one if formatting.plural_category(count, lang) == "one" else other


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The text of ``key`` in ``lang``, formatted with ``params``; a ``"singular|plural"`` text
    takes the form that ``count`` asks for."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    if "|" in text:
        text = plural_form(text, params.get("count"), lang)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def table(lang: str) -> dict[str, str]:
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in TEXTS.items()}


def js_module() -> str:
    """The JavaScript module the pages import: ``export const MES_TEXTS = {fr: {...}, en: {...}}``."""
    import json

    tables = {lang: table(lang) for lang in LANGS}
    return ("// Generated from mes_app/i18n.py by mes_app.components.texts: do not edit.\n"
            "export const MES_TEXTS = " + json.dumps(tables, ensure_ascii=False, sort_keys=True) + ";\n")


def format_date(iso: str, lang: str = DEFAULT_LANG) -> str:
    """"2026-11-28" → "28/11/2026" in French, "28 Nov 2026" in English; "" stays "".
    (Kept for the callers that have a date in hand: :func:`mes_app.formatting.day`.)"""
    return formatting.day(iso, lang)
