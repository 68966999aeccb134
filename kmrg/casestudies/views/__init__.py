"""Case study pages; importing this package attaches every route to the blueprint."""

from kmrg.casestudies.views import adaptations, case_studies

__all__ = ["adaptations", "case_studies"]
