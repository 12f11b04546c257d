CREATE TABLE authors (
    id serial PRIMARY KEY,
    handle varchar(40) NOT NULL UNIQUE
);
CREATE TABLE posts (
    id serial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES authors (id),
    title varchar(200) NOT NULL,
    published_at timestamp
);
CREATE INDEX ix_posts_published ON posts (published_at) WHERE published_at IS NOT NULL;
