/* migrations.h - the numbered schema migrations. */
#ifndef GAVEL_MIGRATIONS_H
#define GAVEL_MIGRATIONS_H

/* How many migrations this gavel knows: the schema version it writes. */
int migrations_count(void);

/* The SQL of migration NUMBER (1-based), or NULL when there is none. Static. */
const char *migrations_sql(int number);

#endif
