# impl-discovery-offered: a test profile for the strict-fake migration
# scenario (tools/testvm/migrate.sh), not a target view.  On a 7.x host it
# stands for a VMM that offers its guest KVM's implementation-discovery
# hypercalls (VENDOR_HYP_BMAP_2 bits 0 and 1), with PSCI at 6.12's 1.1 so
# that only that register differs from what a 6.12 host can take.  A 6.12
# host presenting the 7.x view fakes VENDOR_HYP_BMAP_2 strictly at 0: it
# has none of those hypercalls, so the incoming VM must be refused.
description 7.x VM offered the implementation-discovery hypercalls
pin PSCI_VERSION = 0x10001
pin VENDOR_HYP_BMAP_2 = 0x3
