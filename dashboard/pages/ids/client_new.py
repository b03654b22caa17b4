"""Every component id of the new client page (pages/client_new.py)."""

from dashboard.components.ids import ClientFormIds

GO = "new-client-go"  # where the page goes once the client is created

# The client details form (components/client_form.py).
FORM = "new-client-form"
GIVEN_NAME = "new-client-given_name"
GIVEN_NAME_ERROR = "new-client-given_name-error"
FAMILY_NAME = "new-client-family_name"
FAMILY_NAME_ERROR = "new-client-family_name-error"
DATE_OF_BIRTH = "new-client-date_of_birth"
DATE_OF_BIRTH_ERROR = "new-client-date_of_birth-error"
EMAIL = "new-client-email"
EMAIL_ERROR = "new-client-email-error"
PHONE = "new-client-phone"
PHONE_ERROR = "new-client-phone-error"
PRACTITIONER = "new-client-practitioner_id"
PRACTITIONER_ERROR = "new-client-practitioner_id-error"
DUPLICATE = "new-client-duplicate"
CONFIRMED_DUPLICATE = "new-client-confirmed-duplicate"
SUBMIT = "new-client-submit"
RESULT = "new-client-result"
CLIENT_FORM = ClientFormIds(
    form=FORM, submit=SUBMIT, result=RESULT, duplicate=DUPLICATE,
    confirmed_duplicate=CONFIRMED_DUPLICATE,
    fields={"given_name": GIVEN_NAME, "family_name": FAMILY_NAME,
            "date_of_birth": DATE_OF_BIRTH, "email": EMAIL, "phone": PHONE,
            "practitioner_id": PRACTITIONER},
    errors={"given_name": GIVEN_NAME_ERROR, "family_name": FAMILY_NAME_ERROR,
            "date_of_birth": DATE_OF_BIRTH_ERROR, "email": EMAIL_ERROR,
            "phone": PHONE_ERROR, "practitioner_id": PRACTITIONER_ERROR},
)
