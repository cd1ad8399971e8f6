"""The Storage service's disk format on the host: read, check and write disk images.

`layout` holds the record and superblock encodings (from the generated ABI), `scan` reads
and checks a disk exactly as the C engine's mount does, `writer` creates disks and appends
records, `command` is `orbital-build disk`. The format is docs/storage-format.md.
"""
