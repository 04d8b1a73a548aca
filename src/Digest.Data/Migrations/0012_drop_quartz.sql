-- Scheduling moved from Quartz to Hangfire (its own schema "hangfire", installed at start after these
-- migrations). Databases that ran Quartz keep its qrtz_ tables otherwise; drop them so an upgraded database
-- looks like a new one. IF EXISTS: a database created after the move never had them.
DROP TABLE IF EXISTS
    qrtz_fired_triggers, qrtz_paused_trigger_grps, qrtz_scheduler_state, qrtz_locks, qrtz_simple_triggers,
    qrtz_simprop_triggers, qrtz_cron_triggers, qrtz_blob_triggers, qrtz_triggers, qrtz_job_details, qrtz_calendars
    CASCADE;
