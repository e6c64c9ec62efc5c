from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'deadlines'

    def ready(self):
        # Task age at start (quality target C9): every process that publishes stamps the message,
        # every worker measures the wait when the task starts. dispatch_uid: connected once.
        from celery.signals import before_task_publish, task_prerun

        from . import monitoring

        before_task_publish.connect(monitoring.on_before_task_publish, weak=False,
                                    dispatch_uid="deadlines.monitoring.publish")
        task_prerun.connect(monitoring.on_task_prerun, weak=False,
                            dispatch_uid="deadlines.monitoring.prerun")
