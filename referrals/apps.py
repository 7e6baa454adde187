from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from encounters.extensions import register_today_list
        from participants.extensions import register_overview_panel
        from referrals import report_figures, selectors
        from reports.extensions import register_figures

        register_today_list("silent_referrals", selectors.silent_for_today)
        register_overview_panel("referral_panel", selectors.overview_panel)
        register_figures("referrals", headlines=report_figures.headlines, rows=report_figures.ROWS)
