"""`python -m quartiers.georef.native`: build the C loops now if needed, say which loops run."""

from quartiers.georef.native import library

lib = library()
print(lib._name if lib is not None else "boucles C indisponibles : numba sera utilisé")
