from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"
    # A clinic's front office keeps payers, their rate tables, the fee schedule,
    # coverage and therapy used elsewhere up to date, reviews billing
    # decisions, which it never edits, and exports claims (never edited either) (clinic.services.clinic_admin_group_ensure).
    clinic_admin_permissions = (
        "view_payer",
        "add_payer",
        "change_payer",
        "view_coverage",
        "add_coverage",
        "change_coverage",
        "delete_coverage",
        "view_billingdecision",
        "view_claim",
        "view_claimline",
        "view_claimexport",
        "view_payerrate",
        "add_payerrate",
        "change_payerrate",
        "delete_payerrate",
        "view_clinicfee",
        "add_clinicfee",
        "change_clinicfee",
        "delete_clinicfee",
        "view_outsidetherapyamount",
        "add_outsidetherapyamount",
        "change_outsidetherapyamount",
        "delete_outsidetherapyamount",
    )
