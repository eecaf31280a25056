from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "casebridge.victims"
    label = "victims"
    verbose_name = "Victim Coordinator: referrals from panels and agencies"

    def ready(self) -> None:
        from casebridge.panels.offers import register_meeting_offer
        from casebridge.victims.selectors import may_refer_from_meeting

        register_meeting_offer(name="refers_victims", offered=may_refer_from_meeting)
