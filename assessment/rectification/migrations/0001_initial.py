
import assessment.core.attachments
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assessment', '0009_move_models_to_domain_apps'),
        ('collection', '0001_initial'),
        ('indicators', '0001_initial'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models came from the assessment app with their tables (db_table keeps the old names):
    # the tables exist already, so only the migration state is created here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Practice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('description', models.TextField(verbose_name='what was done')),
                        ('results', models.TextField(verbose_name='results achieved')),
                        ('contacts', models.CharField(max_length=300, verbose_name='contacts')),
                        ('status', models.CharField(choices=[('pending', 'Waiting for approval'), ('approved', 'Approved'), ('returned', 'Returned for changes')], default='pending', max_length=10, verbose_name='status')),
                        ('invited', models.BooleanField(default=False, help_text="Shared on a supervisor's invitation rather than as a top-10% peer.", verbose_name='invited by a supervisor')),
                        ('score', models.FloatField(blank=True, null=True, verbose_name='score in the round')),
                        ('rank', models.PositiveIntegerField(blank=True, null=True, verbose_name='rank among peers')),
                        ('peers', models.PositiveIntegerField(blank=True, null=True, verbose_name='peers with a score')),
                        ('review_note', models.TextField(blank=True, verbose_name="reviewer's note")),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.indicator', verbose_name='indicator')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='practices', to='regions.region', verbose_name='region')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='practices', to='collection.round', verbose_name='round')),
                    ],
                    options={
                        'verbose_name': 'shared practice',
                        'verbose_name_plural': 'shared practices',
                        'db_table': 'assessment_practice',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='PracticeEvidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('file', 'File'), ('link', 'Link')], max_length=4, verbose_name='kind')),
                        ('file', models.FileField(blank=True, max_length=200, upload_to=assessment.core.attachments.attachment_upload_to, verbose_name='file')),
                        ('original_name', models.CharField(blank=True, max_length=200, verbose_name='original file name')),
                        ('content_type', models.CharField(blank=True, max_length=100, verbose_name='content type')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='size in bytes')),
                        ('url', models.URLField(blank=True, max_length=500, verbose_name='link')),
                        ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
                        ('added_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by')),
                        ('practice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='rectification.practice', verbose_name='practice')),
                    ],
                    options={
                        'verbose_name': 'practice evidence',
                        'verbose_name_plural': 'practice evidence',
                        'db_table': 'assessment_practiceevidence',
                        'ordering': ['practice', 'added_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='PracticeInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('invited_at', models.DateTimeField(auto_now_add=True, verbose_name='invited at')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.indicator', verbose_name='indicator')),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region', verbose_name='region')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='collection.round', verbose_name='round')),
                    ],
                    options={
                        'verbose_name': 'practice invitation',
                        'verbose_name_plural': 'practice invitations',
                        'db_table': 'assessment_practiceinvitation',
                        'ordering': ['-invited_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='RectificationTask',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('origin', models.CharField(choices=[('generated', 'Found at publication'), ('manual', 'Created by a supervisor')], default='manual', max_length=10, verbose_name='origin')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('finding', models.TextField(verbose_name='finding')),
                        ('score', models.FloatField(blank=True, null=True, verbose_name='score')),
                        ('peer_median', models.FloatField(blank=True, null=True, verbose_name='peer median')),
                        ('threshold', models.FloatField(blank=True, null=True, verbose_name='threshold')),
                        ('gate', models.CharField(blank=True, help_text="The gate this node fails, when it holds the region's maturity level back.", max_length=200, verbose_name='maturity gate')),
                        ('due_date', models.DateField(verbose_name='due date')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('in_progress', 'In progress'), ('done', 'Done'), ('verified', 'Verified'), ('reopened', 'Reopened')], default='open', max_length=12, verbose_name='status')),
                        ('plan', models.TextField(blank=True, verbose_name='rectification plan')),
                        ('progress', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='progress (%)')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('indicator', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.indicator', verbose_name='indicator or area')),
                        ('region', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='regions.region', verbose_name='region')),
                        ('round', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='collection.round', verbose_name='round')),
                    ],
                    options={
                        'verbose_name': 'rectification task',
                        'verbose_name_plural': 'rectification tasks',
                        'db_table': 'assessment_rectificationtask',
                        'ordering': ['round', 'region', 'indicator__order', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='TaskEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                        ('action', models.CharField(choices=[('created', 'Created'), ('status', 'Status changed'), ('plan', 'Plan'), ('progress', 'Progress update'), ('evidence', 'Evidence added'), ('edited', 'Task changed')], max_length=10, verbose_name='action')),
                        ('from_status', models.CharField(blank=True, choices=[('open', 'Open'), ('in_progress', 'In progress'), ('done', 'Done'), ('verified', 'Verified'), ('reopened', 'Reopened')], max_length=12, verbose_name='from')),
                        ('to_status', models.CharField(blank=True, choices=[('open', 'Open'), ('in_progress', 'In progress'), ('done', 'Done'), ('verified', 'Verified'), ('reopened', 'Reopened')], max_length=12, verbose_name='to')),
                        ('text', models.TextField(blank=True, verbose_name='text')),
                        ('percent', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='progress (%)')),
                        ('actor', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                        ('task', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='rectification.rectificationtask', verbose_name='task')),
                    ],
                    options={
                        'verbose_name': 'task event',
                        'verbose_name_plural': 'task events',
                        'db_table': 'assessment_taskevent',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='TaskEvidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('file', 'File'), ('link', 'Link')], max_length=4, verbose_name='kind')),
                        ('file', models.FileField(blank=True, max_length=200, upload_to=assessment.core.attachments.attachment_upload_to, verbose_name='file')),
                        ('original_name', models.CharField(blank=True, max_length=200, verbose_name='original file name')),
                        ('content_type', models.CharField(blank=True, max_length=100, verbose_name='content type')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='size in bytes')),
                        ('url', models.URLField(blank=True, max_length=500, verbose_name='link')),
                        ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
                        ('added_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by')),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='rectification.rectificationtask', verbose_name='task')),
                    ],
                    options={
                        'verbose_name': 'task evidence',
                        'verbose_name_plural': 'task evidence',
                        'db_table': 'assessment_taskevidence',
                        'ordering': ['task', 'added_at', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='practice',
                    index=models.Index(fields=['status', 'indicator'], name='practice_status_indicator'),
                ),
                migrations.AddIndex(
                    model_name='practice',
                    index=models.Index(fields=['region', 'status'], name='practice_region_status'),
                ),
                migrations.AddConstraint(
                    model_name='practiceinvitation',
                    constraint=models.UniqueConstraint(fields=('round', 'region', 'indicator'), name='unique_practice_invitation'),
                ),
                migrations.AddIndex(
                    model_name='rectificationtask',
                    index=models.Index(fields=['round', 'region'], name='task_round_region'),
                ),
                migrations.AddIndex(
                    model_name='rectificationtask',
                    index=models.Index(fields=['region', 'status'], name='task_region_status'),
                ),
                migrations.AddConstraint(
                    model_name='rectificationtask',
                    constraint=models.UniqueConstraint(condition=models.Q(('origin', 'generated')), fields=('round', 'region', 'indicator'), name='unique_generated_task'),
                ),
                migrations.AddIndex(
                    model_name='taskevent',
                    index=models.Index(fields=['task', 'at'], name='taskevent_task_at'),
                ),
            ],
            database_operations=[],
        ),
    ]
