"""Every component id of the client details page (pages/client_edit.py)."""

from dashboard.components.ids import ClientFormIds

CLIENT_ID = "edit-client-client-id"
GO = "edit-client-go"  # back to the client once saved

# The client details form (components/client_form.py).
FORM = "edit-client-form"
GIVEN_NAME = "edit-client-given_name"
GIVEN_NAME_ERROR = "edit-client-given_name-error"
FAMILY_NAME = "edit-client-family_name"
FAMILY_NAME_ERROR = "edit-client-family_name-error"
DATE_OF_BIRTH = "edit-client-date_of_birth"
DATE_OF_BIRTH_ERROR = "edit-client-date_of_birth-error"
EMAIL = "edit-client-email"
EMAIL_ERROR = "edit-client-email-error"
PHONE = "edit-client-phone"
PHONE_ERROR = "edit-client-phone-error"
PRACTITIONER = "edit-client-practitioner_id"
PRACTITIONER_ERROR = "edit-client-practitioner_id-error"
DUPLICATE = "edit-client-duplicate"
CONFIRMED_DUPLICATE = "edit-client-confirmed-duplicate"
SUBMIT = "edit-client-submit"
RESULT = "edit-client-result"
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
