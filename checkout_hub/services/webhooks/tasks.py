"""The task that sends one webhook delivery, on Django's Tasks framework (django-tasks).

With the database backend (the default) a worker (`manage.py db_worker`) runs it off the
request path and takes each task with a row lock, so two workers never send one twice.
"""

from django_tasks import task


@task(queue_name="webhooks")
def deliver_webhook(delivery_id: int) -> str:
    from checkout_hub import clock

    from . import deliver

    clock.sync()  # the task worker is its own process: take the shared hub clock
    return deliver(delivery_id)
