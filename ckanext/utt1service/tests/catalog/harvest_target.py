# -*- coding: utf-8 -*-
"""The harvesting side of the harvest test (``test_harvest.py``): a second
CKAN, as GD Catalog runs it, with ``ckanext-harvest``'s CKAN harvester.

Run as a separate process (its own database, site id and storage, given in
the environment by the test) so that the harvested copies can never be
confused with the portal's own datasets: the CKAN harvester keeps each
dataset's id and name. Usage::

    python harvest_target.py CONFIG SOURCE_URL SOURCE_CONFIG_JSON

It makes the harvest source (owned by an organization "gd-catalog-harvest"),
runs one harvest job the way the queue consumers do (``gather_stage``, then
``fetch_and_import_stages`` for each object) and prints one JSON document:
the harvested datasets (``package_show``), the URL the gather stage asked
for, and the job's gather and object errors.
"""
from __future__ import annotations

import json
import sys


def main(config_path: str, source_url: str, source_config: str) -> dict:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(config_path))
    with app._wsgi_app.test_request_context():
        return _harvest(source_url, source_config)


def _harvest(source_url: str, source_config: str) -> dict:
    import ckan.lib.search as search
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.harvest import queue
    from ckanext.harvest.harvesters import ckanharvester
    from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObjectError

    search.clear_all()
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

    def context():
        return {"user": site_user, "ignore_auth": True}

    org = tk.get_action("organization_create")(
        context(), {"name": "gd-catalog-harvest", "title": "GD Catalog (harvested)"})
    source = tk.get_action("harvest_source_create")(context(), {
        "name": "utt1-portal", "title": "สพป.อุทัยธานี เขต 1", "url": source_url,
        "source_type": "ckan", "owner_org": org["id"], "config": source_config,
    })
    job = tk.get_action("harvest_job_create")(context(), {"source_id": source["id"]})
    job_obj = HarvestJob.get(job["id"])
    job_obj.status = "Running"
    job_obj.save()

    # the URLs the harvester asks the portal for (to show what it searched)
    asked: list[str] = []
    harvester = queue.get_harvester("ckan")
    get_content = harvester._get_content

    def recording(url):
        asked.append(url)
        return get_content(url)

    harvester._get_content = recording
    assert isinstance(harvester, ckanharvester.CKANHarvester)

    object_ids = queue.gather_stage(harvester, job_obj) or []
    for object_id in object_ids:
        from ckanext.harvest.model import HarvestObject

        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))

    datasets = []
    for pkg_id in (model.Session.query(model.Package.id)
                   .filter(model.Package.type == "dataset", model.Package.state == "active")):
        datasets.append(tk.get_action("package_show")(context(), {"id": pkg_id[0]}))
    return {
        "asked": asked,
        "objects": len(object_ids),
        "datasets": datasets,
        "gather_errors": [e.message for e in
                          model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job["id"])],
        "object_errors": [e.message for e in model.Session.query(HarvestObjectError)],
    }


if __name__ == "__main__":
    result = main(*sys.argv[1:4])
    sys.stdout.write("\n=====HARVEST=====\n" + json.dumps(result, ensure_ascii=False, default=str))
