from django.urls import path

from casebridge.administration import views

app_name = "administration"

urlpatterns = [
    path("administration/", views.agency_list, name="agency_list"),
    path("administration/agencies/<int:agency_id>/", views.agency_users, name="agency_users"),
    path("administration/agencies/<int:agency_id>/invite/", views.invite, name="invite"),
    path(
        "administration/agencies/<int:agency_id>/access-review/",
        views.access_review,
        name="access_review",
    ),
    path("administration/access-reviews/", views.access_review_list, name="access_review_list"),
    path("administration/users/<int:user_id>/", views.account_detail, name="account_detail"),
    path("administration/users/<int:user_id>/access/", views.account_access, name="account_access"),
    path("administration/users/<int:user_id>/end/", views.account_end, name="account_end"),
    path(
        "administration/users/<int:user_id>/second-factor/",
        views.account_second_factor,
        name="account_second_factor",
    ),
    path(
        "administration/users/<int:user_id>/invitation/",
        views.account_invitation,
        name="account_invitation",
    ),
]
