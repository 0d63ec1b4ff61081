"""Brand article pages."""

from django.urls import path

from shequ.articles import views

app_name = "articles"

urlpatterns = [
    path("", views.article_list_view, name="list"),
    path("<slug:slug>/", views.article_detail_view, name="detail"),
]
