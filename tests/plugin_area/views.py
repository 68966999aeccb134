"""The plants page: one route, asking the area's permission the way every template does."""

from __future__ import annotations

from flask import render_template_string

from tests.plugin_area import blueprint

PAGE = """{% extends "base.html" %}
{% block title %}Plants{% endblock %}
{% block content %}
<h1>Plants</h1>
<ul>
{% for plant in plants %}
  <li>{{ plant.name }}{% if can("water_plants", plant) %}: water it{% endif %}</li>
{% endfor %}
</ul>
{% endblock %}"""


@blueprint.route("/")
def list_plants() -> str:
    plants = [{"name": "Spekboom", "thirsty": False}, {"name": "Fern", "thirsty": True}]
    return render_template_string(PAGE, plants=plants)
