"""The safety text every handout carries (from the product brief), in plain words."""

URGENT_CARE = (
    "New difficulty passing urine, or a change in how it flows",
    "Numbness around the genitals, the back passage (anus) or the inner thighs",
    "Loss of bowel control, or no longer feeling when your bowel is full",
    "New problems with sexual function",
    "Severe or worsening weakness or numbness in both legs",
)
SEE_DOCTOR_SOON = (
    "A fever, or feeling generally unwell, with back pain",
    "Weight loss you cannot explain",
    "A history of cancer",
    "Pain that started after a fall or an injury",
    "Pain that is worse at night and not eased by rest",
    "New back pain if you are under 20 or over 55",
)
NOT_A_REPLACEMENT = (
    "This plan supports, and does not replace, professional care. If your pain persists, "
    "or you are unsure about any part of it, see your practitioner."
)
# Shown to a client at once when they answer PHQ-9 item 9 above 0 on their own page (the
# practitioner's alert is raised in the same moment). Wording after the NHS's "if you feel
# you cannot keep yourself safe" advice: emergency services first, then a crisis line.
SELF_HARM_URGENT = (
    "If you feel you might act on these thoughts, or you cannot keep yourself safe right "
    "now, call your local emergency number or go to the nearest emergency department now."
)
# No promise of when: the alert is on the practitioner's home page (and in their email when
# the clinic has set email up), but nobody can promise it is read today (a day off, a
# weekend, email not set up).
SELF_HARM_SEEN = (
    "Thank you for telling us. Your practitioner is alerted to this answer and will follow "
    "it up, but may not see it straight away, and this page is not watched around the "
    "clock: if you need help now, use the numbers below."
)
