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
