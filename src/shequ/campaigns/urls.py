"""Pages of the campaigns module: new-user tasks, the points mall, trials, campaign landing pages."""

from django.urls import path

from shequ.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("tasks/", views.tasks_view, name="tasks"),
    path("tasks/<slug:code>/claim/", views.task_claim_view, name="task_claim"),
    path("mall/", views.mall_view, name="mall"),
    path("mall/history/", views.mall_history_view, name="mall_history"),
    path("mall/<int:item_id>/", views.mall_item_view, name="mall_item"),
    path("mall/<int:item_id>/redeem/", views.mall_redeem_view, name="mall_redeem"),
    path("trials/", views.trials_view, name="trials"),
    path("trials/<int:trial_id>/", views.trial_detail_view, name="trial"),
    path("trials/<int:trial_id>/apply/", views.trial_apply_view, name="trial_apply"),
    path("c/<slug:code>/", views.campaign_view, name="campaign"),
    path("c/<slug:code>/join/", views.campaign_join_view, name="campaign_join"),
]
