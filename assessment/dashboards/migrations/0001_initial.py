
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assessment', '0009_move_models_to_domain_apps'),
        ('collection', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models came from the assessment app with their tables (db_table keeps the old names):
    # the tables exist already, so only the migration state is created here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('params', models.JSONField(blank=True, default=dict, verbose_name='filter')),
                        ('language', models.CharField(default='zh-hans', max_length=10, verbose_name='language')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Ready'), ('failed', 'Failed'), ('abandoned', 'Abandoned')], default='queued', max_length=10, verbose_name='status')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)')),
                        ('stage', models.CharField(blank=True, max_length=100, verbose_name='stage')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('file', models.CharField(blank=True, max_length=200, verbose_name='file')),
                        ('filename', models.CharField(max_length=200, verbose_name='download name')),
                        ('worker', models.CharField(blank=True, max_length=100, verbose_name='worker process')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='requested at')),
                        ('heartbeat_at', models.DateTimeField(blank=True, null=True, verbose_name='last sign of life')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='report_jobs', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='report_jobs', to='collection.round', verbose_name='round')),
                    ],
                    options={
                        'verbose_name': 'report export',
                        'verbose_name_plural': 'report exports',
                        'db_table': 'assessment_reportjob',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['owner', 'status'], name='reportjob_owner_status')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
