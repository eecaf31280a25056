from django.urls import path

from casebridge.victims import views

app_name = "victims"

urlpatterns = [
    path("victims/referrals/", views.referral_index, name="referral_list"),
]
