from django.urls import path

from casebridge.linkage import views

app_name = "linkage"

urlpatterns = [
    path("identity/reviews/", views.review_list, name="review_list"),
    path("identity/reviews/band/", views.review_band_view, name="review_band"),
    path("identity/reviews/band/confirm/", views.review_band_confirm, name="review_band_confirm"),
    path("identity/reviews/<uuid:review_id>/", views.review_detail, name="review_detail"),
    path("identity/reviews/<uuid:review_id>/confirm/", views.review_confirm, name="review_confirm"),
    path("identity/reviews/<uuid:review_id>/reject/", views.review_reject, name="review_reject"),
    path("identity/merges/", views.merge_list, name="merge_list"),
    path("identity/merges/<uuid:merge_id>/undo/", views.merge_undo_view, name="merge_undo"),
    path("identity/model/", views.model_detail, name="model"),
    path("identity/model/train/", views.model_train, name="model_train"),
]
