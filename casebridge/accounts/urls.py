from django.urls import path

from casebridge.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/two-factor/", views.two_factor, name="two_factor"),
    path("sign-in/single-sign-on/", views.sso_start, name="sso_start"),
    path("sign-in/single-sign-on/callback/", views.sso_callback, name="sso_callback"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/invitation/", views.invitation_accept_view, name="invitation_accept"),
    path("sign-in/invitation/<str:token>/", views.invitation, name="invitation"),
]
