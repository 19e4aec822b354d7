from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.PieceDetail.as_view()),
    path("featured/", views.featured),
]
