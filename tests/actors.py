"""The people an access test tries, by name, for the ``user_of`` fixture.

Insiders work in ``clinic``: a physical therapist, a colleague and a front-office
admin. Outsiders do not: a clinician of ``other_clinic``, a user of no clinic
and an anonymous visitor.
"""

INSIDERS = ("clinician", "colleague", "clinic admin")
OUTSIDERS = ("other clinician", "no clinic", "anonymous")
