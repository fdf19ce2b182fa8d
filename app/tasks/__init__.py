"""Background and scheduled work, on one task queue: Huey (https://huey.readthedocs.io).

The web process only enqueues; `flask tasks worker` (started by `make run`) runs the tasks
and the periodic ones. The queue's storage is chosen by TASKS_URL (app/tasks/queue.py):
by default a SQLite file in the instance folder, for one machine; Redis or a SQL database
when workers run on several machines. Tasks are registered in app/tasks/jobs.py.
"""
