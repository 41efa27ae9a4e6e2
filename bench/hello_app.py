"""The smallest Flask application, served with the same gunicorn settings as consult: every figure
of the benchmark is also given as a share of what this one does on the same machine in the same run."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
