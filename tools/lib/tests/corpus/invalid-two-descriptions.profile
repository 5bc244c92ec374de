description one
description two
