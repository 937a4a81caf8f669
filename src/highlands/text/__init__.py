"""Text helpers at the bottom of the house: they import no app."""
