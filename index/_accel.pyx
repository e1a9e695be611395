# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled forms of the loops a search runs for every hit, built when a C compiler is there.

A page of ten hits reads the words of each hit from the forward index and
judges those that may match the query (:mod:`index.forward`), locates them
in each hit's text, scores the fragments that hold them and cuts the best
into segments (:mod:`index.highlight`).  In Python each of those steps is a
loop over bytes, words, characters, marks or fragments; here they are the
same loops in C.  The Python modules are the reference: they use these
functions when this module is built and their own otherwise, and the tests
hold both to the same results
(``tests/test_accel.py``); :mod:`index.accel` says whether it is built.

:func:`configure` is called once by :mod:`index.highlight` with what defines
a snippet there (the word joiners, the segment type, the weights of the
kinds of match, the longest fragment), so that nothing is defined twice.
"""
from cpython.unicode cimport (PyUnicode_DATA, PyUnicode_Find, PyUnicode_FindChar, PyUnicode_KIND,
                              PyUnicode_READ)
from cpython.long cimport PyLong_AsSsize_t
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.stdlib cimport qsort
from libc.stdint cimport uint8_t, uint16_t, uint32_t
from libc.string cimport memcpy, memset

#: The version of the functions offered here: index.accel uses a build whose
#: INTERFACE is its own (raise both together when a function changes).
INTERFACE = 1

cdef unsigned char _word_bits[8192]  # a bit per character below U+10000: a word character?
cdef object _segment_type = None
cdef object _new_tuple = tuple.__new__
cdef dict _kind_weight = {}
cdef Py_ssize_t _max_fragment = 0


def configure(joiners, segment_type, kind_weight, Py_ssize_t max_fragment):
    """Take the definitions of :mod:`index.highlight`: the characters (below
    U+10000) that join a word without being letters or digits, the type of a
    segment (a tuple ``(text, kind)``), the weight of each kind of match and
    the longest fragment."""
    global _segment_type, _kind_weight, _max_fragment
    cdef Py_UCS4 c
    cdef uint32_t i
    memset(_word_bits, 0, sizeof(_word_bits))
    for j in joiners:
        if ord(j) >= 65536:
            raise ValueError(f"joiner {j!r} above U+FFFF")
        _word_bits[ord(j) >> 3] |= 1 << (ord(j) & 7)
    for i in range(65536):
        c = i
        if c.isalnum():
            _word_bits[i >> 3] |= 1 << (i & 7)
    _segment_type = segment_type
    _kind_weight = dict(kind_weight)
    _max_fragment = max_fragment


cdef inline bint _word_char(uint32_t c):
    """A letter or digit (``str.isalnum``) or a joiner, the character numbered ``c``."""
    cdef Py_UCS4 ch
    if c < 65536:
        return (_word_bits[c >> 3] >> (c & 7)) & 1
    ch = c
    return ch.isalnum()  # (no joiner is above U+FFFF)


cdef struct Mark:
    Py_ssize_t start
    Py_ssize_t end
    Py_ssize_t word  # the matched word: its place in ``found``
    void *kind  # borrowed: ``found``'s value for that word


cdef struct Scored:
    double score
    Py_ssize_t start
    Py_ssize_t end


cdef int _by_start(const void *a, const void *b) noexcept nogil:
    cdef Py_ssize_t x = (<Mark *> a).start, y = (<Mark *> b).start
    if x == y:
        x, y = (<Mark *> a).end, (<Mark *> b).end
    return (x > y) - (x < y)


cdef class _Marks:
    """The whole-word occurrences in a text of the words of ``found``, in text order."""
    cdef Mark *marks
    cdef Py_ssize_t count, size
    cdef list kinds  # keeps the kinds alive while marks point at them

    def __dealloc__(self):
        PyMem_Free(self.marks)

    cdef int add(self, Py_ssize_t start, Py_ssize_t end, Py_ssize_t word, object kind) except -1:
        cdef Mark *grown
        if self.count == self.size:
            self.size = 2 * self.size + 16
            grown = <Mark *> PyMem_Realloc(self.marks, self.size * sizeof(Mark))
            if grown is NULL:
                raise MemoryError()
            self.marks = grown
        self.marks[self.count].start = start
        self.marks[self.count].end = end
        self.marks[self.count].word = word
        self.marks[self.count].kind = <void *> kind
        self.count += 1
        return 0


cdef enum:
    # Up to this many words, locate searches the text for each (see _locate).
    _SEARCHED_WORDS = 5


# A text's characters, as CPython keeps them (1, 2 or 4 bytes each).
ctypedef fused char_t:
    uint8_t
    uint16_t
    uint32_t


cdef struct _Words:  # the words to locate, as a hash table of their keys (_run_key)
    Py_ssize_t *table  # slots: a word's place in ``found``, or -1
    Py_ssize_t mask  # slots - 1 (a power of two)
    uint32_t *keys  # by word
    Py_ssize_t *lengths
    void **surfaces  # borrowed
    void **kinds  # borrowed


cdef inline uint32_t _run_key(uint32_t first, uint32_t last, Py_ssize_t n) noexcept nogil:
    """What a run of word characters is looked up by: its first and last characters and its length."""
    return (first * <uint32_t> 2654435761) ^ (last * <uint32_t> 40503) ^ (<uint32_t> n * <uint32_t> 97)


cdef int _scan(const char_t *t, Py_ssize_t length, _Words *w, _Marks m) except -1:
    """Mark every run of word characters of ``t`` that is one of the words."""
    cdef Py_ssize_t i = 0, start, slot, k, j, n
    cdef uint32_t key
    cdef int skind
    cdef void *sdata
    while i < length:
        if not _word_char(t[i]):
            i += 1
            continue
        start = i
        i += 1
        while i < length and _word_char(t[i]):
            i += 1
        n = i - start
        key = _run_key(t[start], t[i - 1], n)
        slot = key & w.mask
        while w.table[slot] >= 0:
            k = w.table[slot]
            if w.keys[k] == key and w.lengths[k] == n:
                skind = PyUnicode_KIND(<object> w.surfaces[k])
                sdata = PyUnicode_DATA(<object> w.surfaces[k])
                for j in range(n):
                    if PyUnicode_READ(skind, sdata, j) != t[start + j]:
                        break
                else:
                    m.add(start, i, k, <object> w.kinds[k])
                    break
            slot = (slot + 1) & w.mask
    return 0


cdef _Marks _locate(str text, dict found):
    """The marks of :func:`index.highlight.locate`.

    A few words are searched for in the text one after the other, as the
    Python does (``str.find`` reads about a character a nanosecond).  More
    than :data:`_SEARCHED_WORDS` are found in one pass over the text: a
    whole-word occurrence of a word made of word characters is a whole run
    of word characters, so each run of the text is looked up in a small hash
    table of the words (by first and last character and length; about 4 ns
    a character of news text, whatever the number of words).  A word with
    another character (none that the analyzer makes) is searched for."""
    cdef _Marks m = _Marks()
    cdef Py_ssize_t length = len(text), n, i, e, k, j, words = len(found), size = 1, slot
    cdef _Words w
    cdef bint others = False, scan = words > _SEARCHED_WORDS
    cdef int tkind = PyUnicode_KIND(text), skind
    cdef void *tdata = PyUnicode_DATA(text)
    cdef void *sdata
    cdef list surfaces = list(found)
    m.kinds = list(found.values())
    for surface in surfaces:  # (read below as strings without checks)
        if type(surface) is not str:
            raise TypeError(f"a word found is a str, not {type(surface).__name__}")
    while size < 2 * words:
        size *= 2
    w.mask = size - 1
    w.table = <Py_ssize_t *> PyMem_Malloc(size * sizeof(Py_ssize_t))
    w.keys = <uint32_t *> PyMem_Malloc((words + 1) * sizeof(uint32_t))
    w.lengths = <Py_ssize_t *> PyMem_Malloc((words + 1) * sizeof(Py_ssize_t))
    w.surfaces = <void **> PyMem_Malloc((words + 1) * sizeof(void *))
    w.kinds = <void **> PyMem_Malloc((words + 1) * sizeof(void *))
    try:
        if w.table is NULL or w.keys is NULL or w.lengths is NULL or w.surfaces is NULL or w.kinds is NULL:
            raise MemoryError()
        for slot in range(size):
            w.table[slot] = -1
        for k in range(words):
            surface = surfaces[k]
            n = len(surface)
            w.lengths[k], w.surfaces[k], w.kinds[k] = n, <void *> surface, <void *> m.kinds[k]
            if not n:
                continue
            skind, sdata = PyUnicode_KIND(surface), PyUnicode_DATA(surface)
            for j in range(n):
                if not scan or not _word_char(PyUnicode_READ(skind, sdata, j)):
                    break
            else:  # a run of word characters: looked up
                w.keys[k] = _run_key(PyUnicode_READ(skind, sdata, 0), PyUnicode_READ(skind, sdata, n - 1), n)
                slot = w.keys[k] & w.mask
                while w.table[slot] >= 0:
                    slot = (slot + 1) & w.mask
                w.table[slot] = k
                continue
            others = True  # searched for
            i = PyUnicode_Find(text, surface, 0, length, 1)
            while i >= 0:
                e = i + n
                if ((i == 0 or not _word_char(PyUnicode_READ(tkind, tdata, i - 1)))
                        and (e == length or not _word_char(PyUnicode_READ(tkind, tdata, e)))):
                    m.add(i, e, k, m.kinds[k])
                i = PyUnicode_Find(text, surface, e, length, 1)
        if not scan:
            pass
        elif tkind == 1:
            _scan(<const uint8_t *> tdata, length, &w, m)
        elif tkind == 2:
            _scan(<const uint16_t *> tdata, length, &w, m)
        else:
            _scan(<const uint32_t *> tdata, length, &w, m)
    finally:
        PyMem_Free(w.table)
        PyMem_Free(w.keys)
        PyMem_Free(w.lengths)
        PyMem_Free(w.surfaces)
        PyMem_Free(w.kinds)
    if others and m.count > 1:
        qsort(m.marks, m.count, sizeof(Mark), _by_start)
    return m


def locate(str text not None, dict found not None):
    """:func:`index.highlight.locate`."""
    cdef _Marks m = _locate(text, found)
    return [(m.marks[k].start, m.marks[k].end, <object> m.marks[k].kind) for k in range(m.count)]


cdef list _segments(str text, Mark *marks, Py_ssize_t count, Py_ssize_t start, Py_ssize_t end):
    """:func:`index.highlight.segments` of marks in text order."""
    cdef list out = []
    cdef Py_ssize_t pos = start, k, lo = 0, hi = count, mid
    while lo < hi:  # the first mark that ends after start
        mid = (lo + hi) // 2
        if marks[mid].end <= start:
            lo = mid + 1
        else:
            hi = mid
    for k in range(lo, count):
        if marks[k].start >= end:
            break
        if marks[k].start > pos:
            out.append(_new_tuple(_segment_type, (text[pos:marks[k].start], None)))
        out.append(_new_tuple(_segment_type, (text[marks[k].start:marks[k].end], <object> marks[k].kind)))
        pos = marks[k].end
    if pos < end:
        out.append(_new_tuple(_segment_type, (text[pos:end], None)))
    return out


def title_segments(str text not None, dict found not None):
    """``segments(text, locate(text, found))`` of :mod:`index.highlight`."""
    cdef _Marks m = _locate(text, found)
    return _segments(text, m.marks, m.count, 0, len(text))


cdef inline Py_ssize_t _item(object pair, Py_ssize_t i):
    return PyLong_AsSsize_t(<object> PyTuple_GET_ITEM(pair, i))


cdef (Py_ssize_t, Py_ssize_t) _window(str text, Py_ssize_t s, Py_ssize_t e, Mark *marks, Py_ssize_t count):
    """:func:`index.highlight._window`."""
    cdef Py_ssize_t first = s, lo, hi, sp, k
    if e - s <= _max_fragment:
        return s, e
    for k in range(count):
        if marks[k].start >= s and marks[k].end <= e:
            first = marks[k].start
            break
    lo = max(s, first - _max_fragment // 3)
    hi = min(e, lo + _max_fragment)
    if lo > s:
        sp = PyUnicode_FindChar(text, 32, lo, len(text), 1)
        if 0 <= sp < first:
            lo = sp + 1
    if hi < e:
        sp = PyUnicode_FindChar(text, 32, lo, hi, -1)
        if sp > first:
            hi = sp
    return lo, hi


def snippet_fragments(str text not None, dict found not None, list fragments not None, Py_ssize_t max_fragments):
    """The fragments of :func:`index.highlight.snippet` for words ``found`` in
    ``text`` cut into ``fragments``, as lists of segments; None when no
    fragment holds a match (the snippet is then the text's opening)."""
    cdef _Marks m = _locate(text, found)
    cdef Mark *marks = m.marks
    cdef Py_ssize_t count = m.count, nfrag = PyList_GET_SIZE(fragments)
    cdef Py_ssize_t j = 0, k, x, y, lo, hi, mid, fs, fe, p, reached = -1, inside, nscored = 0, picked
    cdef double total
    cdef Scored *scored
    cdef Scored best
    cdef double *weight
    cdef list frags
    for pair in fragments:  # (read below without checks)
        if type(pair) is not tuple or len(<tuple> pair) != 2:
            raise TypeError(f"a fragment is a (start, end) tuple, not {pair!r}")
    if not count or not nfrag:
        return None
    weight = <double *> PyMem_Malloc(len(found) * sizeof(double))
    scored = <Scored *> PyMem_Malloc(count * sizeof(Scored))
    if weight is NULL or scored is NULL:
        PyMem_Free(weight)
        PyMem_Free(scored)
        raise MemoryError()
    try:
        k = 0
        for kind in found.values():
            weight[k] = _kind_weight[kind]
            k += 1
        # The fragments holding a match, each once, in order (_holding), scored.
        for x in range(count):
            p = marks[x].start
            if p < reached:  # in the fragment found last
                continue
            lo, hi = 0, nfrag  # the last fragment starting at or before p
            while lo < hi:
                mid = (lo + hi) // 2
                if _item(<object> PyList_GET_ITEM(fragments, mid), 0) <= p:
                    lo = mid + 1
                else:
                    hi = mid
            if lo == 0:
                continue
            pair = <object> PyList_GET_ITEM(fragments, lo - 1)
            fs, fe = _item(pair, 0), _item(pair, 1)
            if p >= fe:
                continue
            reached = fe
            while j < count and marks[j].start < fs:
                j += 1
            total, inside = 0.0, 0
            k = j
            while k < count and marks[k].start < fe:
                if marks[k].end <= fe:
                    for y in range(j, k):  # a word counts once
                        if marks[y].word == marks[k].word and marks[y].end <= fe:
                            break
                    else:
                        total += weight[marks[k].word]
                    inside += 1
                k += 1
            if inside:
                scored[nscored].score = total + 0.1 * inside
                scored[nscored].start = fs
                scored[nscored].end = fe
                nscored += 1
        if not nscored:
            return None
        # The best max_fragments, ties in text order, then put in text order.
        picked = 0
        while picked < max_fragments and picked < nscored:
            y = picked
            for k in range(picked + 1, nscored):
                if scored[k].score > scored[y].score:
                    y = k
            best = scored[y]
            for k in range(y, picked, -1):  # keep the rest in text order
                scored[k] = scored[k - 1]
            scored[picked] = best
            picked += 1
        if picked > 1:
            qsort(scored, picked, sizeof(Scored), _scored_by_start)
        frags = []
        for k in range(picked):
            lo, hi = _window(text, scored[k].start, scored[k].end, marks, count)
            frags.append(_segments(text, marks, count, lo, hi))
        return frags
    finally:
        PyMem_Free(weight)
        PyMem_Free(scored)


cdef int _scored_by_start(const void *a, const void *b) noexcept nogil:
    cdef Py_ssize_t x = (<Scored *> a).start, y = (<Scored *> b).start
    return (x > y) - (x < y)


# -- the forward index (index.forward) -----------------------------------------

cdef enum:
    _NARROW = 0  # index.forward's row widths: gaps as uint16, uint32, or no words
    _WIDE = 1
    _EMPTY = 2
    _HEADER = 8  # width and first word number, two little-endian uint32


cdef inline uint32_t _le32(const unsigned char *p) noexcept nogil:
    return p[0] | (<uint32_t> p[1] << 8) | (<uint32_t> p[2] << 16) | (<uint32_t> p[3] << 24)


def fragments(bytes row not None, Py_ssize_t body_length):
    """:func:`index.forward.decode_spans`: the ``(start, end)`` pairs of a row of offsets."""
    cdef const unsigned char *p = row
    cdef Py_ssize_t n = len(row), k
    cdef uint16_t a16, b16
    cdef uint32_t a32, b32
    cdef list out = []
    if body_length < 65536:
        for k in range(0, n - 3, 4):
            memcpy(&a16, p + k, 2)
            memcpy(&b16, p + k + 2, 2)
            out.append((a16, b16))
    else:
        for k in range(0, n - 7, 8):
            memcpy(&a32, p + k, 4)
            memcpy(&b32, p + k + 4, 4)
            out.append((a32, b32))
    return out


def matched_words(list rows not None, const uint16_t[:, ::1] hashes, const uint32_t[::1] term_hashes,
                  list surfaces not None, Py_ssize_t block, word, exact, stem, root):
    """For each of ``rows`` (:func:`index.forward.encode`), its words that match
    the query, ``{surface: kind}``: the words one of whose hashes' low 16 bits
    (``hashes[word]``) is among the query's ``term_hashes``' are judged with
    ``word(surface)`` (the analyzer) as :func:`index.highlight.word_kind`
    judges them, against the query's ``exact``, ``stem`` and ``root`` terms.
    None when a word has no hashes yet (written since they were read)."""
    cdef unsigned char flagged[8192]  # a bit per low 16 bits of a hash
    cdef Py_ssize_t r, k, n, gaps, known = hashes.shape[0]
    cdef const unsigned char *p
    cdef uint32_t kind, w, h
    cdef uint16_t g16
    cdef uint32_t g32
    cdef dict judged = {}  # word number → (surface, kind), or None when it does not match
    cdef list out = []
    cdef dict found
    memset(flagged, 0, sizeof(flagged))
    for k in range(term_hashes.shape[0]):
        h = term_hashes[k] & 0xFFFF
        flagged[h >> 3] |= 1 << (h & 7)
    for r in range(len(rows)):
        found = {}
        out.append(found)
        row = rows[r]
        if type(row) is not bytes:
            raise TypeError(f"a row of words is bytes, not {type(row).__name__}")
        p = <bytes> row
        n = len(<bytes> row)
        if n < _HEADER:
            continue
        kind = _le32(p)
        if kind == _EMPTY:
            continue
        w = _le32(p + 4)
        gaps = (n - _HEADER) // (2 if kind == _NARROW else 4)
        k = 0
        while True:
            if w >= known:
                return None
            if (flagged[hashes[w, 0] >> 3] >> (hashes[w, 0] & 7) & 1
                    or flagged[hashes[w, 1] >> 3] >> (hashes[w, 1] & 7) & 1
                    or flagged[hashes[w, 2] >> 3] >> (hashes[w, 2] & 7) & 1):
                verdict = judged.get(w, False)
                if verdict is False:
                    if w // block >= len(surfaces) or w % block >= len(<list?> surfaces[w // block]):
                        return None  # (its block was read after its hashes: read them again)
                    surface = (<list> surfaces[w // block])[w % block]
                    verdict = judged[w] = _judge(surface, word(surface), exact, stem, root)
                if verdict is not None:
                    found[(<tuple> verdict)[0]] = (<tuple> verdict)[1]
            if k == gaps:
                break
            if kind == _NARROW:
                memcpy(&g16, p + _HEADER + 2 * k, 2)
                w += g16
            else:
                memcpy(&g32, p + _HEADER + 4 * k, 4)
                w += g32
            k += 1
    return out


cdef object _judge(surface, analysis, exact, stem, root):
    """``(surface, kind)`` of a word whose analysis is ``(normalized, stem, root, stop)``
    (:func:`index.highlight.word_kind`), or None when it does not match."""
    if analysis[0] in exact:
        return surface, "exact"
    if not analysis[3]:
        if analysis[1] in stem:
            return surface, "stem"
        if analysis[2] in root:
            return surface, "root"
    return None


def marked_texts(list fragments not None):
    """The text of every marked segment of ``fragments`` (lists of segments),
    each once, in order: :func:`index.highlight.matched_words`."""
    cdef dict seen = {}
    for fragment in fragments:
        for segment in <list?> fragment:
            if not isinstance(segment, tuple) or len(<tuple> segment) != 2:
                raise TypeError(f"a segment is (text, kind), not {segment!r}")
            if (<tuple> segment)[1]:
                seen[(<tuple> segment)[0]] = None
    return list(seen)
