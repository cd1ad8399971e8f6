/* SPDX-License-Identifier: Apache-2.0 */
/* FIFO queues of blocked threads (endpoint senders/receivers, notification waiters). */
#pragma once

#include <kernel/thread.h>

struct waitq {
	struct thread *head, *tail;
	u32 len;
};

static inline void waitq_push(struct waitq *q, struct thread *t)
{
	t->qnext = NULL;
	t->qprev = q->tail;
	if (q->tail)
		q->tail->qnext = t;
	else
		q->head = t;
	q->tail = t;
	q->len++;
}

static inline void waitq_unlink(struct waitq *q, struct thread *t)
{
	if (t->qprev)
		t->qprev->qnext = t->qnext;
	else
		q->head = t->qnext;
	if (t->qnext)
		t->qnext->qprev = t->qprev;
	else
		q->tail = t->qprev;
	t->qnext = t->qprev = NULL;
	q->len--;
}

static inline struct thread *waitq_pop(struct waitq *q)
{
	struct thread *t = q->head;
	if (t)
		waitq_unlink(q, t);
	return t;
}
