from django.urls import path

from shequ.community import views_content as views

urlpatterns = [
    path("p/<int:post_id>/", views.post_view, name="post"),
    path("p/<int:post_id>/like/", views.post_like_view, name="post_like"),
    path("p/<int:post_id>/favourite/", views.post_favourite_view, name="post_favourite"),
    path("p/<int:post_id>/share/", views.post_share_view, name="post_share"),
    path("p/<int:post_id>/comments/", views.comment_create_view, name="comment_create"),
    path("p/<int:post_id>/edit/", views.edit_view, name="post_edit"),
    path("p/<int:post_id>/publish/", views.publish_view, name="post_publish"),
    path("p/<int:post_id>/delete/", views.delete_view, name="post_delete"),
    path("p/<int:post_id>/hide/", views.hide_view, name="post_hide"),
    path("p/<int:post_id>/history/", views.history_view, name="post_history"),
    path("comments/<int:comment_id>/like/", views.comment_like_view, name="comment_like"),
    path("comments/<int:comment_id>/delete/", views.comment_delete_view, name="comment_delete"),
    path("comments/<int:comment_id>/replies/", views.comment_replies_view, name="comment_replies"),
    path("compose/", views.compose_view, name="compose"),
    path("compose/products/", views.product_picker_view, name="product_picker"),
    path("s/<str:code>/", views.share_visit_view, name="share"),
    path("topics/", views.topic_list_view, name="topics"),
    path("t/<str:slug>/", views.topic_view, name="topic"),
    path("circles/", views.circle_list_view, name="circles"),
    path("circles/<slug:slug>/", views.circle_view, name="circle"),
    path("circles/<slug:slug>/join/", views.circle_join_view, name="circle_join"),
    path("me/drafts/", views.drafts_view, name="drafts"),
    path("me/favourites/", views.favourites_view, name="favourites"),
]
