from django.urls import path

from quartiers.worklist import views

app_name = "worklist"

urlpatterns = [
    path("a-traiter/", views.todo, name="todo"),
]
