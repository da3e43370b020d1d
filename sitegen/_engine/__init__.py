"""How the site is made fast and safe to publish; what it holds is in ``sitegen.site``.

Nothing outside ``sitegen.build`` imports this package, and the site's definition never needs
to read it.
"""
