from __future__ import annotations

import gc

from django.test import SimpleTestCase

from keepwarm.lib.heap import freeze_start_up


class FreezeStartUpTests(SimpleTestCase):
    def tearDown(self) -> None:
        gc.unfreeze()

    def test_it_moves_the_objects_alive_now_out_of_the_collector(self) -> None:
        kept = {"loaded": [object() for _ in range(100)]}

        frozen = freeze_start_up()

        self.assertGreater(frozen, 100)
        self.assertEqual(gc.get_freeze_count(), frozen)
        self.assertFalse(any(obj is kept for obj in gc.get_objects()))
