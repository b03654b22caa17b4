"""Every component id of the profile page (pages/profile.py)."""

USER = "profile-user"  # whose profile: the id is checked again on the server at each save
FORM = "profile-form"
HANDOUT_NAME = "profile-handout_name"
HANDOUT_NAME_ERROR = "profile-handout_name-error"
PHONE = "profile-phone"
PHONE_ERROR = "profile-phone-error"
PROFESSION = "profile-profession"
PROFESSION_ERROR = "profile-profession-error"
RESULT = "profile-result"
FIELDS = {"handout_name": HANDOUT_NAME, "phone": PHONE,  # db/users.PROFILE_FIELDS -> input
          "profession": PROFESSION}
FIELD_ERRORS = {"handout_name": HANDOUT_NAME_ERROR, "phone": PHONE_ERROR,
                "profession": PROFESSION_ERROR}
