/*
 * vfeature.h - virtio feature bits (property kind `feature`): what the
 * device offers and what the guest may have negotiated.
 *
 * QEMU's virtio device offers host_features (and, from 10.2, the extended
 * words host_features_ex: bits 64..127): each feature property's bit,
 * minus what get_features() drops (a backend or host without the
 * capability, a prerequisite feature that is off).  The guest negotiates
 * a subset; the negotiated guest_features travel in the stream, and
 * virtio_load() refuses them unless they are a subset of what the
 * destination offers ("Features 0x... unsupported. Allowed features:
 * 0x...", virtio_set_features_nocheck()).  A destination that offers
 * more loads fine: guest_features stay as negotiated.
 *
 * The declarations: `requires=A,B` (offered only while A and B are on,
 * resolved in dependency order, resolve.c) and `host=CAP` (offered only
 * on a host with CAP).  This file checks the links when the registry is
 * finalised and owns the subset decision the check applies
 * (rules-virtio.c).
 */
#ifndef PC_VFEATURE_H
#define PC_VFEATURE_H

#include <stdbool.h>

#include "model.h"

/*
 * Every requires= of every type names a property of the declaring type
 * (its own or inherited) of the bool class (bool, bit, feature), and the
 * requirements have no cycle ("feature dependency cycle: a -> b -> a").
 * Called by pc_registry_finalize() once parents are linked.
 */
int pc_vfeature_link(const struct pc_registry *reg, struct pc_err *err);

/* The subset rule for one feature bit, offered (after its conditions) by
 * the source and by the destination. */
enum pc_vfeature_verdict {
	PC_VF_SAME,      /* both offer it, or neither */
	PC_VF_UNOFFERED, /* the source offers it, the destination does not:
			  * a guest that negotiated it is refused */
	PC_VF_EXTRA,     /* only the destination offers it: the load
			  * succeeds, the guest keeps what it negotiated */
};
enum pc_vfeature_verdict pc_vfeature_decide(bool src_offers, bool dst_offers);

/* "bit 54 of host_features (0x40000000000000)", "bit 65 of
 * host_features_ex (word 1: 0x2)": the feature's place, for messages
 * (caller frees). */
char *pc_vfeature_where(const struct pc_prop *pr);

#endif /* PC_VFEATURE_H */
