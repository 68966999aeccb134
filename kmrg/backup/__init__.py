"""Backup and restore: `kmrg export FILE` writes one archive, `kmrg import FILE` restores it.

archive.py is the format (members, manifest, how values are written), export.py reads a
consistent snapshot into an archive, restore.py loads an archive into an empty database and
commands.py holds the two commands.
"""
