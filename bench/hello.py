"""The hello-world Flask app the throughput figures are compared with.

Served exactly like Samverkan (gunicorn, the same workers and options), so the ratio
"requests/s of a page ÷ requests/s of hello-world" cancels out the machine, the client and
gunicorn itself, and leaves what the app costs.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "Hello, World!"
