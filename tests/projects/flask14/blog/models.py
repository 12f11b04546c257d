from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Author(db.Model):
    __tablename__ = "authors"

    id = db.Column(db.Integer, primary_key=True)
    handle = db.Column(db.String(40), nullable=False, unique=True)


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (db.Index("ix_posts_published", "published_at",
                               postgresql_where=db.text("published_at IS NOT NULL")),)

    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.Integer, db.ForeignKey("authors.id"), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    published_at = db.Column(db.DateTime)
    author = db.relationship("Author", backref="posts")
