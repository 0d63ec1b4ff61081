"""Pages of the reviews module: reviews and buyer shows, the "to review" list, product Q&A."""

from django.urls import path

from shequ.reviews import views

app_name = "reviews"

urlpatterns = [
    path("product/<int:product_id>/", views.product_reviews_view, name="product"),
    path("product/<int:product_id>/qa/", views.product_qa_view, name="qa"),
    path("to-review/", views.to_review_view, name="to_review"),
    path("mine/", views.my_reviews_view, name="mine"),
    path("new/<int:order_item_id>/", views.review_new_view, name="new"),
    path("<int:pk>/", views.review_detail_view, name="detail"),
    path("<int:pk>/edit/", views.review_edit_view, name="edit"),
    path("<int:pk>/follow-up/", views.review_follow_up_view, name="follow_up"),
    path("<int:pk>/delete/", views.review_delete_view, name="delete"),
    path("<int:pk>/helpful/", views.review_helpful_view, name="helpful"),
    path("questions/<int:pk>/", views.question_view, name="question"),
    path("answers/<int:pk>/accept/", views.answer_accept_view, name="accept"),
    path("answers/<int:pk>/like/", views.answer_like_view, name="like"),
]
