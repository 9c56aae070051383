
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assessment', '0009_move_models_to_domain_apps'),
        ('collection', '0001_initial'),
        ('indicators', '0001_initial'),
        ('regions', '0001_initial'),
    ]

    # The models came from the assessment app with their tables (db_table keeps the old names):
    # the tables exist already, so only the migration state is created here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PeerStat',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(choices=[('province', 'Province'), ('city', 'City'), ('county', 'County')], max_length=10, verbose_name='region level')),
                        ('kind', models.PositiveSmallIntegerField(choices=[(0, 'Overall'), (1, 'Area'), (2, 'Dimension'), (3, 'Indicator')], verbose_name='kind')),
                        ('count', models.PositiveIntegerField(verbose_name='regions with a score')),
                        ('mean', models.FloatField(blank=True, null=True, verbose_name='mean')),
                        ('median', models.FloatField(blank=True, null=True, verbose_name='median')),
                        ('best', models.FloatField(blank=True, null=True, verbose_name='best score')),
                        ('best_region', models.ForeignKey(blank=True, db_constraint=False, db_index=False, help_text='The lowest code among equal best scores.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region', verbose_name='region with the best score')),
                        ('indicator', models.ForeignKey(blank=True, db_constraint=False, db_index=False, help_text='Empty for the overall score.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='indicators.indicator', verbose_name='indicator node')),
                        ('round', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='peer_stats', to='collection.round', verbose_name='round')),
                    ],
                    options={
                        'verbose_name': 'peer statistic',
                        'verbose_name_plural': 'peer statistics',
                        'db_table': 'assessment_peerstat',
                        'indexes': [models.Index(fields=['round', 'level'], name='peerstat_round_level')],
                    },
                ),
                migrations.CreateModel(
                    name='Result',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.PositiveSmallIntegerField(choices=[(0, 'Overall'), (1, 'Area'), (2, 'Dimension'), (3, 'Indicator')], verbose_name='kind')),
                        ('score', models.FloatField(blank=True, null=True, verbose_name='score')),
                        ('rank', models.PositiveIntegerField(blank=True, null=True, verbose_name='rank among peers')),
                        ('rank_in_parent', models.PositiveIntegerField(blank=True, null=True, verbose_name='rank within the parent region')),
                        ('rank_low', models.PositiveIntegerField(blank=True, null=True, verbose_name='best plausible rank')),
                        ('rank_high', models.PositiveIntegerField(blank=True, null=True, verbose_name='worst plausible rank')),
                        ('gate_notes', models.JSONField(blank=True, help_text='Overall only.', null=True, verbose_name='gates that held the level back')),
                        ('flags', models.PositiveSmallIntegerField(default=0, verbose_name='flags')),
                        ('indicator', models.ForeignKey(blank=True, db_constraint=False, db_index=False, help_text='Empty for the overall score.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='results', to='indicators.indicator', verbose_name='indicator node')),
                        ('level', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.maturitylevel', verbose_name='maturity level')),
                        ('level_by_score', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.maturitylevel', verbose_name='level by score alone')),
                        ('region', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='results', to='regions.region', verbose_name='region')),
                        ('round', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='results', to='collection.round', verbose_name='round')),
                    ],
                    options={
                        'verbose_name': 'result',
                        'verbose_name_plural': 'results',
                        'db_table': 'assessment_result',
                        'indexes': [models.Index(fields=['round', 'kind', 'region'], name='result_round_kind')],
                    },
                ),
                migrations.CreateModel(
                    name='ScoreChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('previous_score', models.FloatField(blank=True, null=True, verbose_name='previous score')),
                        ('previous_rank', models.PositiveIntegerField(blank=True, null=True, verbose_name='previous rank')),
                        ('change', models.FloatField(blank=True, null=True, verbose_name='score change')),
                        ('rank', models.PositiveIntegerField(blank=True, null=True, verbose_name='progress rank')),
                        ('previous', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='collection.round', verbose_name='compared with round')),
                        ('region', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region', verbose_name='region')),
                        ('round', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='score_changes', to='collection.round', verbose_name='round')),
                    ],
                    options={
                        'verbose_name': 'score change',
                        'verbose_name_plural': 'score changes',
                        'db_table': 'assessment_scorechange',
                        'indexes': [models.Index(fields=['round', 'region'], name='scorechange_round_region')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
