from django.urls import path

from casebridge.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/two-factor/", views.two_factor, name="two_factor"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/invitation/", views.invitation_accept_view, name="invitation_accept"),
    path("sign-in/invitation/<str:token>/", views.invitation, name="invitation"),
]
