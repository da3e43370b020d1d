"""``sitegen build``: gather everything in memory, then write the site in one swap."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sitegen import pages
from sitegen.catalog import Catalog, loads
from sitegen.config import STATIC, BuildSettings, build_clock
from sitegen.errors import BuildError, CatalogError
from sitegen.render import Renderer
from sitegen.writer import SiteFiles, publish


@dataclass
class BuildReport:
    models: int
    pages: int
    files: int
    seconds: float
    warnings: list[str]

    def summary(self) -> str:
        return (
            f"built {self.models} models into {self.pages} pages "
            f"({self.files} files) in {self.seconds:.2f}s"
        )


def read_catalog(path: Path) -> Catalog:
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(f"no catalog at {path} (run 'sitegen fetch' first, or pass --catalog)") from None
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc.strerror}") from None
    return loads(text, source=str(path))


def static_assets(root: Path = STATIC) -> list[tuple[str, bytes]]:
    return [
        ("static/" + p.relative_to(root).as_posix(), p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ]


def render_site(catalog: Catalog, settings: BuildSettings) -> SiteFiles:
    """Every file of the site, in memory."""
    models = catalog.models
    clock = build_clock(max((m.created for m in models), default=0))
    renderer = Renderer(settings.base_url, clock)
    site = SiteFiles()
    pages.static_files(site, static_assets())
    pages.model_pages(site, renderer, models)
    pages.index_page(site, renderer, models)
    pages.author_pages(site, renderer, models)
    pages.not_found_page(site, renderer)
    pages.new_model_feeds(site, models, settings.base_url, clock, settings.feed_size)
    pages.models_json(site, models, settings.base_url)
    site.add(".nojekyll", b"")
    pages.sitemap(site, settings.base_url, clock)
    return site


def build(catalog_path: Path, out: Path, settings: BuildSettings) -> BuildReport:
    started = time.perf_counter()
    catalog = read_catalog(catalog_path)
    site = render_site(catalog, settings)
    try:
        publish(site, out)
    except OSError as exc:
        raise BuildError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    return BuildReport(
        models=len(catalog.models),
        pages=len(site.pages()),
        files=len(site),
        seconds=time.perf_counter() - started,
        warnings=catalog.warnings,
    )
