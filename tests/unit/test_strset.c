/* core/strset: the string hash set. */
#include "tests/unit/testutil.h"

#include "core/strset.h"

static void test_add_contains(void **state)
{
	struct mw_strset s = { 0 };
	char buf[32];
	int i;

	(void)state;
	assert_false(mw_strset_contains(&s, "x"));
	assert_int_equal(mw_strset_add(&s, "/home/a/.forward"), 1);
	assert_int_equal(mw_strset_add(&s, "/home/a/.forward"), 0);
	assert_true(mw_strset_contains(&s, "/home/a/.forward"));
	assert_false(mw_strset_contains(&s, "/home/b/.forward"));
	assert_int_equal(mw_strset_add(&s, ""), 1);
	assert_int_equal(mw_strset_add(&s, ""), 0);
	/* growth keeps every entry */
	for (i = 0; i < 10000; i++) {
		snprintf(buf, sizeof(buf), "k%d", i);
		assert_int_equal(mw_strset_add(&s, buf), 1);
	}
	assert_int_equal(s.n, 10002);
	for (i = 0; i < 10000; i += 7) {
		snprintf(buf, sizeof(buf), "k%d", i);
		assert_true(mw_strset_contains(&s, buf));
		assert_int_equal(mw_strset_add(&s, buf), 0);
	}
	assert_false(mw_strset_contains(&s, "k10000"));
	mw_strset_free(&s);
	assert_false(mw_strset_contains(&s, "k1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_contains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
