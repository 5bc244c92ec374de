/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The migration test's guest: bare-metal code for QEMU's virt machine that
 * counts in memory and prints the count on the PL011, so that after a
 * migration the count must go on from where it was, not start again.
 *
 *	count 0000000000000001
 *	count 0000000000000002 ...
 */
	.equ	UART, 0x09000000	/* PL011 data register on virt */
	.equ	DELAY, 0x2000000	/* about 0.2-1 s per count, emulated */

	.text
	.global	_start
_start:
	ldr	x20, =UART
	adr	x21, count
1:	ldr	x19, [x21]
	add	x19, x19, #1
	str	x19, [x21]
	adr	x0, msg
	bl	puts
	mov	x0, x19
	bl	puthex
	mov	x0, #'\n'
	strb	w0, [x20]
	ldr	x1, =DELAY
2:	subs	x1, x1, #1
	b.ne	2b
	b	1b

/* puts(x0): a NUL-terminated string. */
puts:	ldrb	w1, [x0], #1
	cbz	w1, 3f
	strb	w1, [x20]
	b	puts
3:	ret

/* puthex(x0): 16 hex digits. */
puthex:	mov	x2, #60
4:	lsr	x1, x0, x2
	and	x1, x1, #0xf
	cmp	x1, #10
	add	x3, x1, #'0'
	add	x4, x1, #('a' - 10)
	csel	x1, x3, x4, lo
	strb	w1, [x20]
	subs	x2, x2, #4
	b.ge	4b
	ret

	.balign	8
count:	.quad	0
msg:	.asciz	"count "
