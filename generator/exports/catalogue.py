"""Discovery metadata: schema.org Dataset JSON-LD for each dataset page (Google Dataset
Search) and a DCAT catalogue of every dataset and download (data portals)."""

from __future__ import annotations

import json
from pathlib import Path

LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
MEDIA_TYPES = {"CSV": "text/csv", "JSON": "application/json", "Parquet": "application/vnd.apache.parquet",
               "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ZIP": "application/zip"}


def _url(config, path: str, here: str = "") -> str:
    """Absolute when the site's address is set; otherwise relative to the folder `here`
    (the folder of the page or file that holds the link, relative to the site's root)."""
    if config.site_url:
        return config.site_url.rstrip("/") + "/" + path
    return "../" * len([p for p in here.split("/") if p]) + path


def coverage(info) -> str | None:
    """The period a dataset's dates span, as an ISO 8601 interval."""
    dates = [info.frame[f["name"]] for f in info.fields if f.get("type") == "date"]
    values = [d.dropna() for d in dates if d.notna().any()]
    if not values:
        return None
    first = min(v.min() for v in values)
    last = max(v.max() for v in values)
    return f"{first:%Y-%m-%d}/{last:%Y-%m-%d}"


def script_json(value: dict) -> str:
    """JSON safe inside an HTML <script> element: no <, > or & can close it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=None)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def publisher(config) -> dict:
    return {"@type": "Organization", "name": config.publisher_name, "identifier": config.publisher_org_id}


def dataset_jsonld(info, config) -> dict:
    here = f"datasets/{info.name}/"
    value = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": info.title,
        "description": info.description,
        "url": _url(config, here, here),
        "license": LICENCE,
        "isAccessibleForFree": True,
        "creator": publisher(config),
        "publisher": publisher(config),
        "spatialCoverage": {"@type": "Place", "name": config.publisher_name},
        "variableMeasured": [f.get("title", f["name"]) for f in info.fields],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": MEDIA_TYPES[d.label],
             "contentUrl": _url(config, f"downloads/{d.filename}", here), "contentSize": f"{d.bytes} B"}
            for d in info.downloads
        ],
    }
    if info.last_updated:
        value["dateModified"] = info.last_updated.isoformat()
    if coverage(info):
        value["temporalCoverage"] = coverage(info)
    return value


def dcat_catalogue(infos, config, extra_downloads) -> dict:
    """The catalogue, for downloads/catalog.jsonld: relative links start from downloads/."""
    here = "downloads/"

    def distribution(d) -> dict:
        return {"@type": "dcat:Distribution", "dct:title": f"{d.filename}", "dcat:mediaType": MEDIA_TYPES[d.label],
                "dcat:downloadURL": {"@id": _url(config, f"downloads/{d.filename}", here)}, "dcat:byteSize": d.bytes,
                "dct:license": {"@id": LICENCE}}

    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/"},
        "@type": "dcat:Catalog",
        "dct:title": config.site_title,
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": config.publisher_name,
                          "dct:identifier": config.publisher_org_id},
        "dct:license": {"@id": LICENCE},
        "dcat:dataset": [
            {"@type": "dcat:Dataset", "@id": _url(config, f"datasets/{i.name}/", here), "dct:identifier": i.name,
             "dct:title": i.title, "dct:description": i.description,
             "dct:modified": i.last_updated.isoformat() if i.last_updated else None,
             "dct:temporal": coverage(i),
             "dcat:landingPage": {"@id": _url(config, f"datasets/{i.name}/", here)},
             "dcat:distribution": [distribution(d) for d in i.downloads]}
            for i in infos
        ] + [
            {"@type": "dcat:Dataset", "dct:identifier": d.filename, "dct:title": d.filename,
             "dcat:distribution": [distribution(d)]}
            for d in extra_downloads
        ],
    }


def write_catalogue(site, path: Path) -> None:
    """A DCAT catalogue (JSON-LD) of every dataset and download."""
    extra = [d for d in site.standards] + ([site.package_zip] if site.package_zip else [])
    published = [d for d in site.datasets if d.rows]  # an empty dataset has no page: not in the catalogue
    path.write_text(json.dumps(dcat_catalogue(published, site.config, extra), indent=2, ensure_ascii=False)
                    + "\n", encoding="utf-8")
