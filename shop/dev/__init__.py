"""The local all-in-one run (`flask --app shop dev`: migrations, a local OpenID
provider, the demo shop, the server) and the demo shop's seed and photos.

Development only; it may import anything below the app's wiring.
"""
