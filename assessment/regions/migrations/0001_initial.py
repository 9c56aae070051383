
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assessment', '0009_move_models_to_domain_apps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models came from the assessment app with their tables (db_table keeps the old names):
    # the tables exist already, so only the migration state is created here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('code', models.CharField(max_length=6, primary_key=True, serialize=False, validators=[django.core.validators.RegexValidator('^\\d{6}$', 'A region code has six digits.')], verbose_name='code')),
                        ('name', models.CharField(max_length=60, verbose_name='name')),
                        ('level', models.CharField(choices=[('province', 'Province'), ('city', 'City'), ('county', 'County')], max_length=10, verbose_name='level')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='regions.region', verbose_name='parent region')),
                    ],
                    options={
                        'verbose_name': 'region',
                        'verbose_name_plural': 'regions',
                        'db_table': 'assessment_region',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('staff', 'Regional staff'), ('supervisor', 'Supervisor'), ('evaluator', 'Evaluator')], max_length=12, verbose_name='role')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='regions.region', verbose_name='region')),
                    ],
                    options={
                        'verbose_name': 'membership',
                        'verbose_name_plural': 'memberships',
                        'db_table': 'assessment_membership',
                        'ordering': ['region', 'role', 'user'],
                    },
                ),
                migrations.AddIndex(
                    model_name='region',
                    index=models.Index(fields=['level', 'code'], name='region_level_code'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.UniqueConstraint(fields=('user', 'region', 'role'), name='unique_membership'),
                ),
            ],
            database_operations=[],
        ),
    ]
